export * from './intent.js';
export * from './names.js';
export * from './validate.js';
export * from './nft-network.js';
export * from './nft-ruleset.js';
export * from './validate-ports.js';
export * from './nft-ports.js';
export * from './port-sysctls.js';
