export * from './intent.js';
export * from './names.js';
export * from './validate.js';
export * from './nft-network.js';
export * from './nft-ruleset.js';
