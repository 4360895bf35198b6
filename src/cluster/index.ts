export * from './cluster-store.js';
export { EtcdClusterStore, type EtcdClusterStoreOptions } from './etcd/etcd-cluster-store.js';
export { MemoryClusterBackend, MemoryClusterStore } from './memory-cluster-store.js';
