import type { Store, StoreKind, StoreOp } from '../store.js';

/** In-memory store for unit tests; same semantics as SqliteStore (all-or-nothing, copies out). */
export class MemoryStore implements Store {
  private readonly data = new Map<string, Map<string, string>>();

  private bucket(kind: StoreKind): Map<string, string> {
    let bucket = this.data.get(kind);
    if (!bucket) this.data.set(kind, (bucket = new Map()));
    return bucket;
  }

  async get<T>(kind: StoreKind, id: string): Promise<T | undefined> {
    const body = this.bucket(kind).get(id);
    return body === undefined ? undefined : (JSON.parse(body) as T);
  }

  async list<T>(kind: StoreKind): Promise<T[]> {
    return [...this.bucket(kind).values()].map((body) => JSON.parse(body) as T);
  }

  async commit(ops: readonly StoreOp[]): Promise<void> {
    const encoded = ops.map((op) => (op.op === 'put' ? { ...op, body: JSON.stringify(op.value) } : op));
    for (const op of encoded) {
      if (op.op === 'put') this.bucket(op.kind).set(op.id, op.body);
      else this.bucket(op.kind).delete(op.id);
    }
  }

  async close(): Promise<void> {}
}
