/**
 * The state store: typed documents by kind and id, changed by atomic batches. The embedded SQLite
 * store implements it for one host; an etcd store (one Txn per batch) will for clusters.
 */
export type StoreKind = 'meta' | 'network' | 'endpoint' | 'container' | 'allocation' | 'volume' | 'cni-attachment';

export type StoreOp =
  | { op: 'put'; kind: StoreKind; id: string; value: unknown }
  | { op: 'delete'; kind: StoreKind; id: string };

export interface Store {
  get<T>(kind: StoreKind, id: string): Promise<T | undefined>;
  list<T>(kind: StoreKind): Promise<T[]>;
  /** Applies every op or none. */
  commit(ops: readonly StoreOp[]): Promise<void>;
  close(): Promise<void>;
}

export const put = (kind: StoreKind, id: string, value: unknown): StoreOp => ({ op: 'put', kind, id, value });
export const del = (kind: StoreKind, id: string): StoreOp => ({ op: 'delete', kind, id });
