export * from './name-table.js';
export * from './resolver.js';
export * from './forwarder.js';
export * from './server.js';
export * from './table-source.js';
export * from './embedded-dns.js';
