export * from './config.js';
export * from './changes.js';
export * from './reference.js';
export * from './store.js';
export * from './service.js';
export * from './oci-layout.js';
