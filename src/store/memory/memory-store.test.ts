/** MemoryStore against the Store contract (the engine's unit tests run on it, so it must behave as SQLite). */
import { storeContract } from '../store.contract.js';
import { MemoryStore } from './memory-store.js';

storeContract('memory', { open: async () => new MemoryStore() });
