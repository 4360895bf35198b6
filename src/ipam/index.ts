/** IP address management: CIDR math, default pools, IPAM request validation, address allocation. */
export * from './address.js';
export * from './cidr.js';
export * from './pools.js';
export * from './config.js';
export * from './allocator.js';
export * from './ula.js';
