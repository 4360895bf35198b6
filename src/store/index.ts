export * from './store.js';
export { SqliteStore } from './sqlite/sqlite-store.js';
export { MemoryStore } from './memory/memory-store.js';
