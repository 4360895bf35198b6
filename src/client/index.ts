export * from './client.js';
export * from './errors.js';
export * from './host.js';
export * from './http.js';
export * from './types.js';
