/**
 * ClusterStore on etcd v3 (npm `etcd3`): the mirror is loaded by one range read of the prefix and
 * kept current by one watch on it; writes are etcd transactions; leased keys live under one lease
 * kept alive in the background.
 *
 * Failure handling is ours, not the client library's: no retries inside a request, no circuit
 * breaker (see `faultHandling` below). Every request carries a gRPC deadline of
 * `requestTimeoutMs` and fails with EngineError 'unavailable' (503) when etcd doesn't answer.
 * A failed request, a broken watch or a failed lease keep-alive marks the store disconnected;
 * a recovery loop then retries every `retryIntervalMs` until etcd answers and the watch is
 * connected again, reloads the whole prefix (diffed against the mirror and announced as events:
 * this also covers compaction and anything the watch skipped), restores the lease if etcd forgot
 * it, and only then reports `connected` again.
 *
 * close() stops the keep-alive and does NOT revoke the lease: a stopped daemon's registration
 * (nodes/<id>, and whatever else it put with putLeased) stays until the TTL runs out, so a quick
 * restart doesn't make peers tear down the tables of containers that kept running on that node.
 */
import { readFile } from 'node:fs/promises';
import type { CallOptions } from '@grpc/grpc-js';
import { ConstantBackoff, ExponentialBackoff, handleWhen, noop, retry } from 'cockatiel';
import {
  CompareResult,
  CompareTarget,
  Etcd3,
  EtcdLeaseInvalidError,
  isRecoverableError,
  type ICompare,
  type IOptions,
  type IKeyValue,
  type IRequestOp,
  type IWatchResponse,
  type Watcher,
} from 'etcd3';
import { invalid, isEngineError, system, unavailable, type EngineError } from '../../errors/index.js';
import type { Logger } from '../../util/logger.js';
import { errorFields } from '../../util/log-error.js';
import type { ClusterCompare, ClusterEntry, ClusterEvent, ClusterOp, ClusterStore } from '../cluster-store.js';
import { fromJson, prefixEnd, toJson } from './keys.js';
import { Mirror, type KeyValueAt } from './mirror.js';

export interface EtcdClusterStoreOptions {
  /** etcd client URLs: http://HOST:PORT, https://HOST:PORT (etcd://HOST:PORT is taken as http). */
  endpoints: string[];
  /** Key prefix, e.g. "/conet/v1/"; every key of the API is relative to it. */
  prefix: string;
  /** TTL of the lease behind putLeased() keys, in seconds (>= 1). */
  ttlSeconds: number;
  /** PEM files, read at open(). Any of them switches the connection to TLS. */
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
  /** Deadline of every request to etcd; default 3000 ms. */
  requestTimeoutMs?: number;
  /** How often the store tries to reach etcd again while it is unreachable; default 500 ms. */
  retryIntervalMs?: number;
  logger?: Logger;
}

/** Keys per transaction when many leased keys are written again (etcd's default limit is 128 ops). */
const TXN_CHUNK = 100;
/** Keys per page of a range read (a page stays far below gRPC's 4 MiB message limit). */
const RANGE_PAGE = 500;

class RequestTimeout extends Error {}

type WatchBackoff = NonNullable<NonNullable<IOptions['faultHandling']>['watchBackoff']>;

export class EtcdClusterStore implements ClusterStore {
  private readonly prefix: string;
  private readonly prefixBytes: Buffer;
  private readonly timeoutMs: number;
  private readonly retryIntervalMs: number;
  private readonly logger: Logger | undefined;
  private client: Etcd3 | undefined;
  private readonly mirror = new Mirror();
  private readonly listeners = new Set<(events: readonly ClusterEvent[]) => void>();
  private watcher: Watcher | undefined;
  private watchUp = false;
  private isConnected = false;
  /** open() succeeded: from then on failures start the recovery loop. */
  private opened = false;
  private closed = false;
  /** Bumped by every failure; recovery only declares victory if none happened meanwhile. */
  private failures = 0;
  private recovery: Promise<void> | undefined;
  private wakeRecovery: (() => void) | undefined;
  private leaseId: string | undefined;
  private leaseGrant: Promise<string> | undefined;
  /** The lease was found lost (etcd forgot it): the leased keys must be written again. */
  private leaseLost = false;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private keepAliveBusy = false;
  /** What this client put with putLeased (relative key → value), to write again under a new lease. */
  private readonly leased = new Map<string, unknown>();

  constructor(private readonly options: EtcdClusterStoreOptions) {
    if (!options.prefix) throw invalid('cluster-store-prefix', 'the cluster store prefix must not be empty');
    if (options.endpoints.length === 0) throw invalid('cluster-store-endpoints', 'the cluster store needs at least one endpoint');
    if (!(options.ttlSeconds >= 1)) throw invalid('cluster-store-ttl', `the cluster store TTL must be at least 1 s (got ${options.ttlSeconds})`);
    this.prefix = options.prefix;
    this.prefixBytes = Buffer.from(options.prefix);
    this.timeoutMs = options.requestTimeoutMs ?? 3000;
    this.retryIntervalMs = options.retryIntervalMs ?? 500;
    this.logger = options.logger;
  }

  get connected(): boolean {
    return this.isConnected;
  }

  /** The lease behind putLeased() keys (decimal), if one is granted. For tests and diagnostics. */
  get currentLeaseId(): string | undefined {
    return this.leaseId;
  }

  async open(): Promise<void> {
    // A failed open() may be retried (the daemon waits for etcd at start-up); a successful one not.
    if (this.client || this.opened || this.closed) throw system('cluster-open-twice', 'EtcdClusterStore.open() called twice or after close()');
    this.client = await this.makeClient();
    try {
      const { kvs, revision } = await this.request('open: load', (call) => this.rangeAll('', call));
      this.applySnapshot('', kvs, revision);
      await this.startWatch(revision + 1);
      this.isConnected = true;
      this.opened = true;
    } catch (error) {
      const watcher = this.stopWatch();
      if (watcher) await withTimeout(watcher.cancel(), 1_000).catch((cancelError: unknown) => this.logger?.debug('cancelling the watch of a failed open', errorFields(cancelError)));
      this.client.close();
      this.client = undefined;
      throw error;
    }
  }

  /**
   * Starts without etcd, from a copy of the mirror saved earlier (`list('')`): reads answer from
   * it, writes fail with 503, and the recovery loop keeps trying; when etcd answers, the full
   * reload announces every difference, as after any outage. Instead of open(), never after it.
   */
  async openOffline(saved: readonly ClusterEntry[]): Promise<void> {
    if (this.client || this.opened || this.closed) throw system('cluster-open-twice', 'EtcdClusterStore.openOffline() after open() or close()');
    this.client = await this.makeClient();
    const kvs = saved.map((entry) => ({ key: entry.key, value: entry.value, modRevision: Number(entry.modRevision) }));
    this.applySnapshot('', kvs, kvs.reduce((highest, entry) => Math.max(highest, entry.modRevision), 0));
    this.opened = true;
    this.markDown('started from a saved mirror');
  }

  private async makeClient(): Promise<Etcd3> {
    const tls = this.options.tls;
    const secure = Boolean(tls && (tls.caFile || tls.certFile || tls.keyFile));
    const credentials = secure ? await readCredentials(tls!) : undefined;
    const hosts = this.options.endpoints.map((endpoint) => endpoint.replace(/^etcd:\/\//, secure ? 'https://' : 'http://'));
    return new Etcd3({
      hosts,
      ...(credentials ? { credentials } : {}),
      grpcOptions: {
        // Find a dead connection (peer gone without a FIN) while the watch is idle. etcd's
        // default enforcement refuses pings more often than every 5 s.
        'grpc.keepalive_time_ms': 10_000,
        'grpc.keepalive_timeout_ms': 5_000,
        // Reconnect quickly once etcd is back (gRPC's default backoff grows to 120 s).
        'grpc.initial_reconnect_backoff_ms': 250,
        'grpc.max_reconnect_backoff_ms': 2_000,
      },
      faultHandling: {
        // No circuit breaker: etcd3's default (open for 5 s after 3 failures) fails every call
        // for up to 5 s after etcd is back, and while half-open all but one concurrent call.
        host: () => noop,
        // No retries within a request (each would restart the deadline and the caller's wait);
        // only when there are several endpoints, one more attempt per other endpoint, all under
        // the request's one absolute deadline.
        global:
          hosts.length > 1
            ? retry(handleWhen(isRecoverableError), { maxAttempts: hosts.length - 1, backoff: new ConstantBackoff(0) })
            : noop,
        // The watch stream reconnects quickly (default: up to 30 s between attempts).
        // (etcd3 calls next() on it as on a factory, which ExponentialBackoff is; its typing says IBackoff.)
        watchBackoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 1_000 }) as unknown as WatchBackoff,
      },
    });
  }

  get<T>(key: string): ClusterEntry<T> | undefined {
    return this.mirror.get(key) as ClusterEntry<T> | undefined;
  }

  list<T>(prefix: string): ClusterEntry<T>[] {
    return this.mirror.list(prefix) as ClusterEntry<T>[];
  }

  async read<T>(prefix: string): Promise<ClusterEntry<T>[]> {
    const { kvs, revision } = await this.request(`read ${prefix}`, (call) => this.rangeAll(prefix, call));
    this.applySnapshot(prefix, kvs, revision);
    return kvs.map((kv) => ({ key: kv.key, value: kv.value as T, modRevision: String(kv.modRevision) }));
  }

  async txn(compares: readonly ClusterCompare[], ops: readonly ClusterOp[]): Promise<boolean> {
    const client = this.requireClient();
    const values = ops.map((op) => (op.op === 'put' ? toJson(op.value) : undefined));
    const compareKeys = [...new Set(compares.map((compare) => compare.key))];
    const request = {
      compare: compares.map((compare) => this.compare(compare)),
      success: ops.map((op, index): IRequestOp => {
        const key = this.fullKey(op.key);
        if (op.op === 'put') return { request_put: { key, value: Buffer.from(values[index]!) } };
        if (op.op === 'delete') return { request_delete_range: { key } };
        return { request_delete_range: { key, range_end: prefixEnd(key) } };
      }),
      // When a compare fails, read the compared keys in the same revision: the mirror learns
      // their current state, so an optimistic retry sees what beat it.
      failure: compareKeys.map((key): IRequestOp => ({ request_range: { key: this.fullKey(key) } })),
    };
    const response = await this.request('txn', (call) => client.kv.txn(request, call));
    const revision = Number(response.header.revision);
    const events: ClusterEvent[] = [];
    if (response.succeeded) {
      ops.forEach((op, index) => {
        if (op.op === 'put') {
          this.leased.delete(op.key);
          this.mirror.put(op.key, fromJson(values[index]!), revision, events);
        } else if (op.op === 'delete') {
          this.leased.delete(op.key);
          this.mirror.absent(op.key, revision, events);
        } else {
          for (const key of [...this.leased.keys()]) if (key.startsWith(op.key)) this.leased.delete(key);
          this.mirror.absentUnder(op.key, revision, events);
        }
      });
    } else {
      compareKeys.forEach((key, index) => {
        const kv = response.responses[index]?.response_range?.kvs[0];
        if (kv) this.mirror.put(key, fromJson(kv.value), Number(kv.mod_revision), events, revision);
        else this.mirror.absent(key, revision, events);
      });
    }
    this.emit(events);
    return response.succeeded;
  }

  async putLeased(key: string, value: unknown): Promise<void> {
    const client = this.requireClient();
    const text = toJson(value);
    const put = async (call: CallOptions): Promise<number> => {
      const lease = await this.lease(call);
      const response = await client.kv.put({ key: this.fullKey(key), value: Buffer.from(text), lease }, call);
      return Number(response.header.revision);
    };
    const revision = await this.request(`put ${key} under the lease`, async (call) => {
      try {
        return await put(call);
      } catch (error) {
        if (!(error instanceof EtcdLeaseInvalidError)) throw error;
        // etcd forgot our lease (it expired): every leased key goes back under a new one.
        this.forgetLease();
        const revision = await put(call);
        this.leaseLost = true;
        return revision;
      }
    });
    // The JSON form (a copy): later changes to the caller's object don't leak into re-puts.
    this.leased.set(key, JSON.parse(text) as unknown);
    const events: ClusterEvent[] = [];
    this.mirror.put(key, fromJson(text), revision, events);
    this.emit(events);
    if (this.leaseLost) await this.restoreLeasedKeys().catch((error: unknown) => this.logger?.warn('restoring leased keys (recovery tries again)', errorFields(error)));
  }

  onChange(listener: (events: readonly ClusterEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Stops watching and renewing; the lease is NOT revoked (its keys expire after the TTL). */
  async close(): Promise<void> {
    if (this.closed && !this.client) return;
    this.closed = true;
    this.isConnected = false;
    if (this.keepAliveTimer) clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = undefined;
    this.wakeRecovery?.();
    await this.recovery?.catch((error: unknown) => this.logger?.debug('cluster store recovery ended with an error at close', errorFields(error)));
    const watcher = this.stopWatch();
    if (watcher) await withTimeout(watcher.cancel(), 1_000).catch((error: unknown) => this.logger?.debug('cancelling the watch at close', errorFields(error)));
    this.client?.close();
    this.client = undefined;
  }

  // --- requests --------------------------------------------------------------------------

  /**
   * Runs one request with a deadline. Unreachability (gRPC UNAVAILABLE, deadline, our own
   * timer as a backstop) becomes EngineError 'unavailable' and starts recovery; other etcd errors
   * are 'system' errors.
   */
  private async request<T>(what: string, call: (options: CallOptions) => Promise<T>): Promise<T> {
    if (this.closed && !this.client) throw unavailable('cluster-store-unavailable', 'cluster store is unavailable: the store is closed');
    const deadline = Date.now() + this.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const backstop = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RequestTimeout(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs + 250);
    });
    try {
      return await Promise.race([call({ deadline }), backstop]);
    } catch (error) {
      throw this.failure(what, error);
    } finally {
      clearTimeout(timer);
    }
  }

  private failure(what: string, error: unknown): EngineError {
    if (isEngineError(error)) return error;
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof RequestTimeout || (error instanceof Error && isRecoverableError(error)) || isBrokenCircuit(error)) {
      this.markDown(`${what}: ${message}`);
      return unavailable('cluster-store-unavailable', `cluster store is unavailable: ${what}: ${message} (etcd ${this.options.endpoints.join(', ')})`);
    }
    return system('cluster-store-error', `cluster store request failed: ${what}: ${message}`, error);
  }

  private requireClient(): Etcd3 {
    if (!this.client) throw unavailable('cluster-store-unavailable', 'cluster store is unavailable: the store is not open');
    return this.client;
  }

  private fullKey(key: string): Buffer {
    return Buffer.from(this.prefix + key);
  }

  private relativeKey(key: Buffer): string | undefined {
    if (!key.subarray(0, this.prefixBytes.length).equals(this.prefixBytes)) return undefined;
    return key.subarray(this.prefixBytes.length).toString('utf8');
  }

  private keyValue(kv: IKeyValue, key: string): KeyValueAt {
    return { key, value: fromJson(kv.value), modRevision: Number(kv.mod_revision) };
  }

  private compare(compare: ClusterCompare): ICompare {
    const key = this.fullKey(compare.key);
    if ('absent' in compare) return { key, target: CompareTarget.Version, result: CompareResult.Equal, version: 0 };
    if ('present' in compare) return { key, target: CompareTarget.Version, result: CompareResult.Greater, version: 0 };
    return { key, target: CompareTarget.Mod, result: CompareResult.Equal, mod_revision: compare.modRevision };
  }

  /** Every key under prefix+`relative` at one revision, read page by page. */
  private async rangeAll(relative: string, call: CallOptions): Promise<{ kvs: KeyValueAt[]; revision: number }> {
    const client = this.requireClient();
    const start = this.fullKey(relative);
    const end = prefixEnd(start);
    const kvs: KeyValueAt[] = [];
    let key = start;
    let revision: string | undefined;
    for (;;) {
      const response = await client.kv.range({ key, range_end: end, limit: RANGE_PAGE, ...(revision ? { revision } : {}) }, call);
      revision ??= response.header.revision;
      for (const kv of response.kvs) {
        const relativeKey = this.relativeKey(kv.key);
        if (relativeKey !== undefined) kvs.push(this.keyValue(kv, relativeKey));
      }
      const last = response.kvs.at(-1);
      if (!response.more || !last) break;
      key = Buffer.concat([last.key, Buffer.from([0])]);
    }
    return { kvs, revision: Number(revision) };
  }

  // --- mirror ----------------------------------------------------------------------------

  private applySnapshot(prefix: string, kvs: readonly KeyValueAt[], revision: number): void {
    const events: ClusterEvent[] = [];
    this.mirror.snapshot(prefix, kvs, revision, events);
    this.emit(events);
  }

  private emit(events: readonly ClusterEvent[]): void {
    if (events.length === 0) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(events);
      } catch (error) {
        this.logger?.error('cluster store listener failed', { error: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  // --- watch -----------------------------------------------------------------------------

  /** One watch on the whole prefix from `fromRevision`; resolves once etcd confirmed it. */
  private async startWatch(fromRevision: number): Promise<void> {
    const client = this.requireClient();
    if (this.closed) throw unavailable('cluster-store-unavailable', 'cluster store is unavailable: the store is closed');
    const watcher = client.watch().prefix(this.prefixBytes).startRevision(String(fromRevision)).watcher();
    this.watcher = watcher;
    this.watchUp = false;
    const confirmed = new Promise<void>((resolve, reject) => {
      watcher.once('connected', () => resolve());
      watcher.once('error', (error: Error) => reject(error));
    });
    watcher.on('data', (response: IWatchResponse) => {
      if (this.watcher === watcher) this.onWatchData(response);
    });
    watcher.on('connected', () => {
      if (this.watcher !== watcher) return;
      this.watchUp = true;
      this.wakeRecovery?.();
    });
    watcher.on('disconnected', (error: Error) => {
      if (this.watcher !== watcher) return;
      this.watchUp = false;
      this.markDown(`watch: ${error.message}`);
    });
    watcher.on('error', (error: Error) => {
      // etcd cancelled the watch (e.g. its start revision was compacted): recovery reloads the
      // prefix and starts a new one.
      if (this.watcher !== watcher) return;
      this.watcher = undefined;
      this.watchUp = false;
      this.logger?.warn('cluster store watch cancelled by etcd, reloading', { reason: error.message });
      this.markDown(`watch cancelled: ${error.message}`);
    });
    await this.request('watch', () => confirmed);
  }

  private stopWatch(): Watcher | undefined {
    const watcher = this.watcher;
    this.watcher = undefined;
    this.watchUp = false;
    return watcher;
  }

  private onWatchData(response: IWatchResponse): void {
    const events: ClusterEvent[] = [];
    let last = 0;
    for (const event of response.events) {
      const key = this.relativeKey(event.kv.key);
      if (key === undefined) continue;
      const revision = Number(event.kv.mod_revision);
      last = Math.max(last, revision);
      if (String(event.type) === 'Put' || (event.type as unknown) === 0) this.mirror.put(key, fromJson(event.kv.value), revision, events);
      else this.mirror.absent(key, revision, events);
    }
    if (last > 0) this.mirror.watchedUpTo(last);
    this.emit(events);
  }

  // --- outage and recovery ---------------------------------------------------------------

  private markDown(reason: string): void {
    if (this.closed || !this.opened) return;
    this.failures += 1;
    if (this.isConnected) {
      this.isConnected = false;
      this.logger?.warn('cluster store unreachable', { reason });
    }
    this.recovery ??= this.recover().finally(() => {
      this.recovery = undefined;
    });
  }

  private async recover(): Promise<void> {
    while (!this.closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.retryIntervalMs);
        this.wakeRecovery = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeRecovery = undefined;
      if (this.closed) return;
      const failures = this.failures;
      try {
        if (this.watcher && !this.watchUp) continue; // etcd3 reconnects the watch by itself (backoff up to 1 s)
        await this.reload();
        await this.checkLease();
      } catch {
        // still unreachable: the loop waits for the next wake and tries again
        continue;
      }
      if (this.failures === failures && this.watchUp && !this.closed) {
        this.isConnected = true;
        this.logger?.info('cluster store reachable again', { mirrorKeys: this.mirror.size, revision: this.mirror.floorRevision });
        return;
      }
    }
  }

  /**
   * Reads the whole prefix and applies the differences. Starts a new watch from there when the
   * old one was cancelled, or when etcd's revision went backwards (its data was wiped or
   * restored: the old watch would wait for a revision that means something else now).
   */
  private async reload(): Promise<void> {
    const { kvs, revision } = await this.request('reload', (call) => this.rangeAll('', call));
    const regressed = revision < this.mirror.floorRevision;
    if (!regressed && this.watcher) {
      this.applySnapshot('', kvs, revision);
      return;
    }
    const old = this.stopWatch();
    if (old) void withTimeout(old.cancel(), 1_000).catch((error: unknown) => this.logger?.debug('cancelling the replaced watch', errorFields(error)));
    if (regressed) {
      this.logger?.warn('cluster store revision went backwards (etcd data replaced): reloading everything', { known: this.mirror.floorRevision, now: revision });
      const events: ClusterEvent[] = [];
      this.mirror.replace(kvs, revision, events);
      this.emit(events);
    } else {
      this.applySnapshot('', kvs, revision);
    }
    await this.startWatch(revision + 1);
  }

  // --- lease -----------------------------------------------------------------------------

  /** The current lease, granted on first use; starts the keep-alive. */
  private async lease(call: CallOptions): Promise<string> {
    if (this.leaseId) return this.leaseId;
    this.leaseGrant ??= (async () => {
      const response = await this.requireClient().leaseClient.leaseGrant({ TTL: this.options.ttlSeconds }, call);
      this.leaseId = response.ID;
      this.startKeepAlive();
      return response.ID;
    })().finally(() => {
      this.leaseGrant = undefined;
    });
    return this.leaseGrant;
  }

  private forgetLease(): void {
    if (this.leaseId) this.logger?.warn('cluster store lease lost', { lease: this.leaseId, keys: this.leased.size });
    this.leaseId = undefined;
    this.leaseLost = this.leased.size > 0;
  }

  private startKeepAlive(): void {
    if (this.keepAliveTimer || this.closed) return;
    // As etcd's Go client: renew at a third of the TTL.
    this.keepAliveTimer = setInterval(() => void this.keepAliveTick(), (this.options.ttlSeconds * 1000) / 3);
    this.keepAliveTimer.unref();
  }

  private async keepAliveTick(): Promise<void> {
    if (this.keepAliveBusy || this.closed) return;
    this.keepAliveBusy = true;
    try {
      await this.checkLease();
    } catch {
      // unavailable: markDown already started recovery, which checks the lease again
    } finally {
      this.keepAliveBusy = false;
    }
  }

  /** Renews the lease once; when etcd no longer has it, writes every leased key under a new one. */
  private async checkLease(): Promise<void> {
    const id = this.leaseId;
    if (id) {
      const ttl = await this.request('lease keep-alive', (call) => this.keepAliveOnce(id, call));
      if (ttl <= 0 && this.leaseId === id) this.forgetLease();
    }
    if (this.leaseLost) await this.restoreLeasedKeys();
  }

  private async keepAliveOnce(id: string, call: CallOptions): Promise<number> {
    const stream = await this.requireClient().leaseClient.leaseKeepAlive(call);
    return new Promise<number>((resolve, reject) => {
      stream.on('data', (response: { TTL: string }) => {
        resolve(Number(response.TTL));
        stream.end();
      });
      stream.on('error', (error: Error) => reject(error));
      stream.on('end', () => reject(new RequestTimeout('lease keep-alive stream ended')));
      stream.write({ ID: id });
    });
  }

  /** Writes every leased key again under a (new) lease. */
  private async restoreLeasedKeys(): Promise<void> {
    const client = this.requireClient();
    const entries = [...this.leased];
    if (entries.length === 0) {
      this.leaseLost = false;
      return;
    }
    this.leaseLost = false;
    try {
      await this.request('write leased keys again', async (call) => {
        const lease = await this.lease(call);
        for (let start = 0; start < entries.length; start += TXN_CHUNK) {
          const chunk = entries.slice(start, start + TXN_CHUNK).map(([key, value]) => ({ key, text: toJson(value) }));
          const response = await client.kv.txn(
            { success: chunk.map(({ key, text }) => ({ request_put: { key: this.fullKey(key), value: Buffer.from(text), lease } })) },
            call,
          );
          const revision = Number(response.header.revision);
          const events: ClusterEvent[] = [];
          for (const { key, text } of chunk) this.mirror.put(key, fromJson(text), revision, events);
          this.emit(events);
        }
      });
      this.logger?.info('cluster store leased keys written again', { lease: this.leaseId, keys: entries.length });
    } catch (error) {
      this.leaseLost = true;
      throw error;
    }
  }
}

async function readCredentials(tls: NonNullable<EtcdClusterStoreOptions['tls']>): Promise<{ rootCertificate: Buffer; privateKey?: Buffer; certChain?: Buffer }> {
  const read = async (file: string | undefined, what: string): Promise<Buffer | undefined> => {
    if (!file) return undefined;
    try {
      return await readFile(file);
    } catch (error) {
      throw invalid('cluster-store-tls', `cannot read the cluster store ${what} ${file}: ${(error as Error).message}`);
    }
  };
  const [ca, cert, key] = await Promise.all([read(tls.caFile, 'CA file'), read(tls.certFile, 'certificate file'), read(tls.keyFile, 'key file')]);
  if (Boolean(cert) !== Boolean(key)) throw invalid('cluster-store-tls', 'the cluster store certificate and key files go together (kv.certfile, kv.keyfile)');
  // No CA: the system's roots (grpc-js takes null/undefined as "default roots").
  return { rootCertificate: ca as Buffer, ...(key ? { privateKey: key } : {}), ...(cert ? { certChain: cert } : {}) };
}

function isBrokenCircuit(error: unknown): boolean {
  return error instanceof Error && error.name === 'BrokenCircuitError';
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise, expiry]).finally(() => clearTimeout(timer));
}
