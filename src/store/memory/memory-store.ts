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
    // Everything is encoded before anything changes: a batch with a value JSON can't hold fails whole.
    const encoded = ops.map((op) => (op.op === 'put' ? { ...op, body: encode(op.kind, op.id, op.value) } : op));
    for (const op of encoded) {
      if (op.op === 'put') this.bucket(op.kind).set(op.id, op.body);
      else this.bucket(op.kind).delete(op.id);
    }
  }

  async close(): Promise<void> {}
}

/** JSON text of a document; undefined (or a function) has none, as SQLite's NOT NULL body refuses. */
function encode(kind: StoreKind, id: string, value: unknown): string {
  const body = JSON.stringify(value) as string | undefined;
  if (body === undefined) throw new TypeError(`store: ${kind}/${id} has no JSON form`);
  return body;
}
