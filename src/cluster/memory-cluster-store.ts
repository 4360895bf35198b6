/**
 * ClusterStore in memory, for unit tests of the engine: several MemoryClusterStore instances (the
 * "nodes") share one MemoryClusterBackend (the "etcd"). Same contract as EtcdClusterStore, with
 * etcd's semantics where the engine could notice them (revisions, compares, one revision per txn,
 * duplicate keys refused, leases per client), but synchronous underneath: a change reaches every
 * reachable store's mirror and listeners before txn() resolves.
 *
 * Test controls on the backend:
 * - setAvailable(false) cuts every store off (or one, with `client`): requests reject with the
 *   same 503 EngineError as etcd's, mirrors keep answering, `connected` is false. Changes made
 *   meanwhile by stores still connected reach a cut-off store when it is reconnected
 *   (setAvailable(true)), as the differences of a full reload, like EtcdClusterStore's.
 * - expireLeases(client) plays "this client's lease ran out": its leased keys are deleted in one
 *   revision and every reachable store hears it. A store that is still open then writes its leased
 *   keys again under a new lease (as EtcdClusterStore does when its keep-alive finds the lease
 *   gone): right away (in a macrotask; await backend.flush()) if reachable, else when reconnected.
 *   A closed store does not: its registration stays gone. TTLs are not simulated.
 */
import { isEngineError, system, unavailable } from '../errors/index.js';
import type { ClusterCompare, ClusterEntry, ClusterEvent, ClusterOp, ClusterStore } from './cluster-store.js';
import { deepFreeze } from './etcd/mirror.js';
import { toJson } from './etcd/keys.js';

interface Stored {
  /** JSON text, as etcd holds bytes. */
  text: string;
  modRevision: number;
  /** The client whose lease holds the key. */
  lease?: MemoryClusterStore;
}

interface Change {
  type: 'put' | 'delete';
  key: string;
  /** Parsed and frozen (shared by every mirror). */
  value?: unknown;
  modRevision: number;
}

export class MemoryClusterBackend {
  private revision = 1;
  private readonly kv = new Map<string, Stored>();
  private readonly clients = new Set<MemoryClusterStore>();
  private available = true;
  private readonly cutOff = new Set<MemoryClusterStore>();
  private readonly pending = new Set<Promise<void>>();

  /** etcd's current revision (decimal). */
  get currentRevision(): string {
    return String(this.revision);
  }

  /** The stored keys and values (absolute view of the "etcd"), for assertions. */
  dump(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of [...this.kv.keys()].sort()) out[key] = JSON.parse(this.kv.get(key)!.text) as unknown;
    return out;
  }

  /** Keys held by a client's lease. */
  leasedKeys(client: MemoryClusterStore): string[] {
    return [...this.kv].filter(([, stored]) => stored.lease === client).map(([key]) => key).sort();
  }

  /** Cuts every client off (or only `client`), or reconnects them (each reloads and catches up). */
  setAvailable(available: boolean, client?: MemoryClusterStore): void {
    const before = new Map([...this.clients].map((each) => [each, this.reachable(each)]));
    if (client) {
      if (available) this.cutOff.delete(client);
      else this.cutOff.add(client);
    } else {
      this.available = available;
      if (available) this.cutOff.clear();
    }
    for (const each of this.clients) {
      const now = this.reachable(each);
      if (before.get(each) && !now) each._disconnected();
      if (!before.get(each) && now) each._reconnected(this.snapshot(''));
    }
  }

  /** Deletes every key held by the client's lease, in one revision (its lease expired). */
  expireLeases(client: MemoryClusterStore): void {
    const keys = this.leasedKeys(client);
    if (keys.length > 0) {
      this.revision += 1;
      const changes: Change[] = keys.map((key) => {
        this.kv.delete(key);
        return { type: 'delete', key, modRevision: this.revision };
      });
      this.deliver(changes);
    }
    client._leaseLost();
  }

  /** Resolves once the asynchronous work the backend started (re-puts after expireLeases) is done. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  // --- for MemoryClusterStore ------------------------------------------------------------

  /** @internal */
  _attach(client: MemoryClusterStore): ClusterEntry[] {
    this._check(client);
    this.clients.add(client);
    return this.snapshot('');
  }

  /** @internal */
  _detach(client: MemoryClusterStore): void {
    this.clients.delete(client);
    this.cutOff.delete(client);
  }

  /** @internal */
  _check(client: MemoryClusterStore): void {
    if (!this.reachable(client)) throw unavailable('cluster-store-unavailable', 'cluster store is unavailable: memory backend set unavailable');
  }

  /** @internal */
  _background(work: () => Promise<void>): void {
    const promise = work().finally(() => this.pending.delete(promise));
    this.pending.add(promise);
  }

  /** @internal */
  snapshot(prefix: string): ClusterEntry[] {
    return [...this.kv]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, stored]) => ({ key, value: deepFreeze(JSON.parse(stored.text) as unknown), modRevision: String(stored.modRevision) }));
  }

  /** @internal Applies a transaction as etcd would; returns whether the compares held. */
  _commit(client: MemoryClusterStore, compares: readonly ClusterCompare[], ops: readonly ClusterOp[], lease?: MemoryClusterStore): boolean {
    this._check(client);
    checkDuplicates(ops);
    const texts = ops.map((op) => (op.op === 'put' ? toJson(op.value) : undefined));
    const holds = compares.every((compare) => {
      const stored = this.kv.get(compare.key);
      if ('absent' in compare) return stored === undefined;
      if ('present' in compare) return stored !== undefined;
      return stored !== undefined && String(stored.modRevision) === compare.modRevision;
    });
    if (!holds) return false;
    const revision = this.revision + 1;
    const changes: Change[] = [];
    ops.forEach((op, index) => {
      if (op.op === 'put') {
        this.kv.set(op.key, { text: texts[index]!, modRevision: revision, ...(lease ? { lease } : {}) });
        changes.push({ type: 'put', key: op.key, value: deepFreeze(JSON.parse(texts[index]!) as unknown), modRevision: revision });
        return;
      }
      const keys = op.op === 'delete' ? (this.kv.has(op.key) ? [op.key] : []) : [...this.kv.keys()].filter((key) => key.startsWith(op.key));
      for (const key of keys) {
        this.kv.delete(key);
        changes.push({ type: 'delete', key, modRevision: revision });
      }
    });
    if (changes.length > 0) {
      this.revision = revision;
      this.deliver(changes);
    }
    return true;
  }

  private reachable(client: MemoryClusterStore): boolean {
    return this.available && !this.cutOff.has(client);
  }

  private deliver(changes: readonly Change[]): void {
    for (const client of this.clients) if (this.reachable(client)) client._apply(changes);
  }
}

export class MemoryClusterStore implements ClusterStore {
  private readonly mirror = new Map<string, ClusterEntry>();
  private readonly listeners = new Set<(events: readonly ClusterEvent[]) => void>();
  private readonly leased = new Map<string, unknown>();
  private leaseLost = false;
  private state: 'new' | 'open' | 'closed' = 'new';
  private isConnected = false;

  constructor(readonly backend: MemoryClusterBackend, readonly name = 'memory') {}

  get connected(): boolean {
    return this.isConnected;
  }

  async open(): Promise<void> {
    if (this.state !== 'new') throw system('cluster-open-twice', 'MemoryClusterStore.open() called twice');
    const entries = this.backend._attach(this);
    this.state = 'open';
    this.isConnected = true;
    this.applySnapshot(entries);
  }

  get<T>(key: string): ClusterEntry<T> | undefined {
    return this.mirror.get(key) as ClusterEntry<T> | undefined;
  }

  list<T>(prefix: string): ClusterEntry<T>[] {
    return [...this.mirror.values()]
      .filter((entry) => entry.key.startsWith(prefix))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) as ClusterEntry<T>[];
  }

  async read<T>(prefix: string): Promise<ClusterEntry<T>[]> {
    this.requireOpen();
    this.backend._check(this);
    return this.backend.snapshot(prefix) as ClusterEntry<T>[];
  }

  async txn(compares: readonly ClusterCompare[], ops: readonly ClusterOp[]): Promise<boolean> {
    this.requireOpen();
    const applied = this.backend._commit(this, compares, ops);
    if (applied) {
      for (const op of ops) {
        if (op.op === 'delete-prefix') {
          for (const key of [...this.leased.keys()]) if (key.startsWith(op.key)) this.leased.delete(key);
        } else {
          this.leased.delete(op.key);
        }
      }
    }
    return applied;
  }

  async putLeased(key: string, value: unknown): Promise<void> {
    this.requireOpen();
    this.backend._commit(this, [], [{ op: 'put', key, value }], this);
    this.leased.set(key, JSON.parse(toJson(value)) as unknown);
  }

  onChange(listener: (events: readonly ClusterEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Detaches from the backend; leased keys stay (no revoke) until backend.expireLeases(this). */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.isConnected = false;
    this.backend._detach(this);
  }

  // --- called by the backend -------------------------------------------------------------

  /** @internal */
  _apply(changes: readonly Change[]): void {
    const events: ClusterEvent[] = [];
    for (const change of changes) {
      if (change.type === 'put') {
        this.mirror.set(change.key, { key: change.key, value: change.value, modRevision: String(change.modRevision) });
        events.push({ type: 'put', key: change.key, value: change.value });
      } else {
        const previous = this.mirror.get(change.key);
        if (!previous) continue;
        this.mirror.delete(change.key);
        events.push({ type: 'delete', key: change.key, value: previous.value });
      }
    }
    this.emit(events);
  }

  /** @internal */
  _disconnected(): void {
    this.isConnected = false;
  }

  /** @internal */
  _reconnected(entries: ClusterEntry[]): void {
    if (this.state !== 'open') return;
    this.applySnapshot(entries);
    if (this.leaseLost) this.restoreLeasedKeys();
    this.isConnected = true;
  }

  /** @internal */
  _leaseLost(): void {
    if (this.state !== 'open' || this.leased.size === 0) return;
    this.leaseLost = true;
    // As the etcd store's keep-alive would: notice a moment later and write the keys again.
    this.backend._background(async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.state === 'open' && this.leaseLost && this.isConnected) this.restoreLeasedKeys();
    });
  }

  private restoreLeasedKeys(): void {
    try {
      this.backend._commit(this, [], [...this.leased].map(([key, value]) => ({ op: 'put', key, value })), this);
      this.leaseLost = false;
    } catch (error) {
      if (!isEngineError(error)) throw error;
    }
  }

  private applySnapshot(entries: readonly ClusterEntry[]): void {
    const events: ClusterEvent[] = [];
    const seen = new Set<string>();
    for (const entry of entries) {
      seen.add(entry.key);
      const previous = this.mirror.get(entry.key);
      if (previous?.modRevision === entry.modRevision) continue;
      this.mirror.set(entry.key, entry);
      events.push({ type: 'put', key: entry.key, value: entry.value });
    }
    for (const [key, previous] of [...this.mirror]) {
      if (seen.has(key)) continue;
      this.mirror.delete(key);
      events.push({ type: 'delete', key, value: previous.value });
    }
    this.emit(events);
  }

  private emit(events: readonly ClusterEvent[]): void {
    if (events.length === 0) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(events);
      } catch (error) {
        // Loud in tests: the error surfaces as an uncaught exception, not swallowed.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  private requireOpen(): void {
    if (this.state !== 'open') throw unavailable('cluster-store-unavailable', `cluster store is unavailable: store ${this.name} is ${this.state === 'new' ? 'not open' : 'closed'}`);
  }
}

/** etcd refuses a txn whose ops put a key twice, or put a key another op deletes. */
function checkDuplicates(ops: readonly ClusterOp[]): void {
  const puts = new Set<string>();
  for (const op of ops) {
    if (op.op !== 'put') continue;
    if (puts.has(op.key)) throw duplicate();
    puts.add(op.key);
  }
  for (const op of ops) {
    if (op.op === 'delete' && puts.has(op.key)) throw duplicate();
    if (op.op === 'delete-prefix' && [...puts].some((key) => key.startsWith(op.key))) throw duplicate();
  }
}

function duplicate(): Error {
  return system('cluster-store-error', 'cluster store request failed: txn: etcdserver: duplicate key given in txn request');
}
