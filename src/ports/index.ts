export * from './spec.js';
export * from './allocator.js';
export * from './reserve.js';
export * from './mappings.js';
