export * from './engine-error.js';
export * from './http-status.js';
