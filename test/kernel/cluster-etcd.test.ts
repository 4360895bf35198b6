/**
 * EtcdClusterStore against a real etcd (Debian etcd-server on 127.0.0.1, a free port): first the
 * shared ClusterStore contract, then what is etcd's own (TTLs, outages, compaction). One client
 * can be cut off alone through a loopback TCP proxy in this process (refuse: connections reset;
 * blackhole: connections stay open but nothing flows), the whole store by stopping etcd.
 * Timings are printed as `# metric …` lines (diagnostics) for the report and BENCHMARKS.md.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { run, startProcess } from '../../src/exec/index.js';
import { EtcdClusterStore, type EtcdClusterStoreOptions } from '../../src/cluster/etcd/etcd-cluster-store.js';
import type { ClusterEvent } from '../../src/cluster/cluster-store.js';
import { EngineError } from '../../src/errors/index.js';
import { EtcdServer } from '../helpers/etcd.js';
import { clusterStoreContract } from '../../src/cluster/cluster-store.contract.js';

let etcd: EtcdServer;
const stores: EtcdClusterStore[] = [];
const proxies: TcpProxy[] = [];
const raws: Etcd3[] = [];

before(async () => {
  etcd = await EtcdServer.start();
});

after(async () => {
  for (const store of stores) await store.close().catch(() => undefined);
  for (const proxy of proxies) await proxy.close().catch(() => undefined);
  for (const raw of raws) raw.close();
  await etcd?.dispose();
});

function metric(name: string, value: number, unit = 'ms'): void {
  console.log(`# metric ${name} ${value.toFixed(1)} ${unit}`);
}

async function openStore(prefix: string, options: Partial<EtcdClusterStoreOptions> & { url?: string } = {}): Promise<EtcdClusterStore> {
  const store = new EtcdClusterStore({ endpoints: [options.url ?? etcd.url], prefix, ttlSeconds: 2, requestTimeoutMs: 2000, retryIntervalMs: 200, ...options });
  stores.push(store);
  await store.open();
  return store;
}

function freshPrefix(): string {
  return `/conet-test/${randomBytes(4).toString('hex')}/`;
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<number> {
  const start = performance.now();
  while (!condition()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
  return performance.now() - start;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function rejectsUnavailable(promise: Promise<unknown>): Promise<number> {
  const start = performance.now();
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof EngineError, `expected an EngineError, got ${String(error)}`);
    assert.equal(error.kind, 'unavailable');
    assert.match(error.message, /^cluster store is unavailable: /);
    return true;
  });
  return performance.now() - start;
}

// The shared contract (src/cluster/cluster-store.contract.ts), as MemoryClusterStore passes it.
// A space is a fresh prefix; losing a lease is etcd revoking it, as its expiry would.
const contractClients: EtcdClusterStore[] = [];

clusterStoreContract('etcd', {
  space: async () => {
    const prefix = freshPrefix();
    return {
      client: async () => {
        const store = await openStore(prefix);
        contractClients.push(store);
        return store;
      },
      loseLease: async (client) => {
        const lease = (client as EtcdClusterStore).currentLeaseId;
        assert.ok(lease, 'the client holds a lease');
        const raw = new Etcd3({ hosts: etcd.url });
        try {
          await raw.leaseClient.leaseRevoke({ ID: lease });
        } finally {
          raw.close();
        }
      },
    };
  },
  cleanup: async () => {
    for (const store of contractClients.splice(0)) await store.close();
  },
});

test('latency: a txn, and a write until it reaches a peer\'s mirror (metrics only; behaviour is the contract\'s)', async () => {
  const prefix = freshPrefix();
  const a = await openStore(prefix);
  const b = await openStore(prefix);
  const seenAt = new Map<string, number>();
  b.onChange((events) => {
    for (const event of events) seenAt.set(event.key, performance.now());
  });
  const txnTimes: number[] = [];
  const propagation: number[] = [];
  for (let index = 0; index < 30; index += 1) {
    const key = `networks/n${index}`;
    const start = performance.now();
    assert.equal(await a.txn([{ key, absent: true }], [{ op: 'put', key, value: { id: `n${index}`, index } }]), true);
    txnTimes.push(performance.now() - start);
    await waitFor('b sees the write', () => b.get(key) !== undefined);
    propagation.push(seenAt.get(key)! - start);
  }
  metric('etcd txn latency (median of 30)', median(txnTimes));
  metric('etcd write-to-peer-mirror latency (median of 30)', median(propagation));
});

test('a leased key disappears from the other mirror after the TTL when its owner is closed (no revoke)', async () => {
  const prefix = freshPrefix();
  const owner = await openStore(prefix, { ttlSeconds: 2 });
  const peer = await openStore(prefix);
  await owner.putLeased('nodes/n1', { id: 'n1', name: 'one', address: '10.0.0.1', since: new Date().toISOString() });
  assert.equal(owner.get<{ id: string }>('nodes/n1')?.value.id, 'n1');
  await waitFor('peer sees the node', () => peer.get('nodes/n1') !== undefined);
  // Kept alive beyond the TTL while the owner runs.
  await sleep(3000);
  assert.ok(peer.get('nodes/n1'), 'the lease is renewed while the owner runs');
  const deleted = new Promise<number>((resolve) => {
    peer.onChange((events) => {
      if (events.some((event) => event.type === 'delete' && event.key === 'nodes/n1')) resolve(performance.now());
    });
  });
  const closedAt = performance.now();
  await owner.close();
  const raw = new Etcd3({ hosts: etcd.url });
  raws.push(raw);
  assert.equal(await raw.get(`${prefix}nodes/n1`).string() !== null, true, 'close() does not revoke the lease');
  const gone = (await deleted) - closedAt;
  metric('leased key gone from peer mirror after owner close (ttl 2 s)', gone);
  assert.ok(gone >= 1000 && gone < 6000, `expired after ${gone} ms`);
  assert.equal(peer.get('nodes/n1'), undefined);
});

test('one client cut off: its writes fail with 503 quickly, its mirror keeps answering, and it catches up (with compaction) afterwards', async () => {
  const prefix = freshPrefix();
  const proxy = await TcpProxy.start(etcd.port);
  proxies.push(proxy);
  const a = await openStore(prefix);
  const logs: string[] = [];
  const logger = {
    debug: () => undefined,
    info: (message: string, fields?: Record<string, unknown>) => logs.push(`${message} ${JSON.stringify(fields ?? {})}`),
    warn: (message: string, fields?: Record<string, unknown>) => logs.push(`${message} ${JSON.stringify(fields ?? {})}`),
    error: (message: string, fields?: Record<string, unknown>) => logs.push(`${message} ${JSON.stringify(fields ?? {})}`),
  };
  const b = await openStore(prefix, { url: `http://127.0.0.1:${proxy.port}`, ttlSeconds: 2, logger });
  await a.txn([], [
    { op: 'put', key: 'keep', value: 'k' },
    { op: 'put', key: 'gone', value: 'g' },
  ]);
  await b.putLeased('nodes/b', { id: 'b' });
  await waitFor('b has both', () => b.get('gone') !== undefined);
  const events: ClusterEvent[] = [];
  b.onChange((batch) => {
    // Listeners see a consistent mirror: every event of the batch is already applied.
    for (const event of batch) assert.equal(b.get(event.key) !== undefined, event.type === 'put');
    events.push(...batch);
  });

  proxy.cut();
  const elapsed = await rejectsUnavailable(b.txn([], [{ op: 'put', key: 'x', value: 1 }]));
  metric('cut-off client (connection refused): txn to 503', elapsed);
  assert.ok(elapsed < 2500, `${elapsed} ms`);
  await waitFor('b disconnected', () => !b.connected);
  assert.equal(b.get('keep')?.value, 'k');
  assert.equal(b.list('').length, 3);
  await rejectsUnavailable(b.read(''));
  await rejectsUnavailable(b.putLeased('nodes/b2', {}));

  // Meanwhile a writes, deletes, and etcd compacts away the history b's watch would need.
  await a.txn([], [
    { op: 'put', key: 'new', value: 'n' },
    { op: 'delete', key: 'gone' },
  ]);
  // b's lease expires while b can't renew it (etcd runs, b is cut off longer than the TTL).
  await waitFor('b\'s node registration expired', () => a.get('nodes/b') === undefined, 6000);
  const raw = new Etcd3({ hosts: etcd.url });
  raws.push(raw);
  const { header } = await raw.kv.range({ key: Buffer.from(`${prefix}keep`) });
  await raw.kv.compact({ revision: header.revision, physical: true });

  const restoredAt = performance.now();
  proxy.restore();
  await waitFor('b reconnected', () => b.connected, 10_000);
  metric('cut-off client: connection restored to connected (reload done)', performance.now() - restoredAt);
  assert.equal(b.get('new')?.value, 'n');
  assert.equal(b.get('gone'), undefined);
  assert.ok(events.some((event) => event.type === 'put' && event.key === 'new'));
  assert.ok(events.some((event) => event.type === 'delete' && event.key === 'gone' && event.value === 'g'));
  // b's leased key is back (new lease), for everyone.
  await waitFor('a sees b\'s node again', () => a.get('nodes/b') !== undefined, 5000);
  metric('cut-off client: restored to leased keys back at peers', performance.now() - restoredAt);
  // And the watch works again: a's next write reaches b.
  await a.txn([], [{ op: 'put', key: 'after', value: 1 }]);
  await waitFor('b sees a\'s write after the outage', () => b.get('after') !== undefined);
  assert.equal(await b.txn([], [{ op: 'put', key: 'from-b', value: 1 }]), true);
  for (const line of logs) console.log(`# log ${line}`);
  assert.ok(logs.some((line) => line.startsWith('cluster store lease lost')));
  // The watch could not resume from its last revision (compacted): etcd cancelled it, the store
  // reloaded everything and watched again from there.
  await waitFor('the watch cancel logged', () => logs.some((line) => line.startsWith('cluster store watch cancelled')));
  await waitFor('b connected after the watch restart', () => b.connected);
  await a.txn([], [{ op: 'put', key: 'after-restart', value: 1 }]);
  await waitFor('b sees a\'s write on the new watch', () => b.get('after-restart') !== undefined);
  assert.ok(logs.some((line) => line.startsWith('cluster store reachable again')));
});

test('open() while etcd is unreachable rejects with 503 quickly, and the same store can open later', async () => {
  const proxy = await TcpProxy.start(etcd.port);
  proxies.push(proxy);
  proxy.cut();
  const store = new EtcdClusterStore({ endpoints: [`http://127.0.0.1:${proxy.port}`], prefix: freshPrefix(), ttlSeconds: 2, requestTimeoutMs: 2000 });
  stores.push(store);
  const elapsed = await rejectsUnavailable(store.open());
  metric('open() with etcd unreachable to 503', elapsed);
  assert.ok(elapsed < 2500);
  assert.equal(store.connected, false);
  proxy.restore();
  await store.open();
  assert.equal(store.connected, true);
  assert.equal(await store.txn([], [{ op: 'put', key: 'k', value: 1 }]), true);
});

test('black-holed connection: a request fails with 503 after the request timeout, not later', async () => {
  const prefix = freshPrefix();
  const proxy = await TcpProxy.start(etcd.port);
  proxies.push(proxy);
  const b = await openStore(prefix, { url: `http://127.0.0.1:${proxy.port}`, requestTimeoutMs: 1500 });
  await b.txn([], [{ op: 'put', key: 'k', value: 1 }]);
  proxy.blackhole();
  const elapsed = await rejectsUnavailable(b.txn([], [{ op: 'put', key: 'k', value: 2 }]));
  metric('black-holed client: txn to 503 (request timeout 1500 ms)', elapsed);
  assert.ok(elapsed >= 1400 && elapsed < 2500, `${elapsed} ms`);
  assert.equal(b.connected, false);
  assert.equal(b.get('k')?.value, 1);
  proxy.restore();
  await waitFor('b reconnected', () => b.connected, 15_000);
  assert.equal(await b.txn([], [{ op: 'put', key: 'k', value: 3 }]), true);
});

test('etcd stopped: writes fail with 503 within the timeout, mirrors answer; restarted: everything works again without reopening', async () => {
  const prefix = freshPrefix();
  const a = await openStore(prefix, { ttlSeconds: 2 });
  const b = await openStore(prefix, { ttlSeconds: 2 });
  const c = await openStore(prefix, { ttlSeconds: 2 });
  await c.putLeased('nodes/c', { id: 'c' });
  await a.putLeased('nodes/a', { id: 'a' });
  await a.txn([], [{ op: 'put', key: 'networks/n1', value: { id: 'n1' } }]);
  await waitFor('b sees a', () => b.get('nodes/a') !== undefined && b.get('networks/n1') !== undefined);
  const lease = a.currentLeaseId;

  await etcd.stop();
  const elapsed = await rejectsUnavailable(a.txn([{ key: 'names/ov', absent: true }], [{ op: 'put', key: 'names/ov', value: 'x' }]));
  metric('etcd stopped: txn to 503', elapsed);
  assert.ok(elapsed < 6000, `${elapsed} ms`);
  await waitFor('both disconnected', () => !a.connected && !b.connected);
  assert.deepEqual(b.get('networks/n1')?.value, { id: 'n1' });
  assert.equal(b.list('nodes/').length, 2);
  assert.equal(a.get('names/ov'), undefined);
  // c's daemon stops during the outage (no etcd needed to close).
  await c.close();
  // Down longer than the TTL.
  await sleep(4000);
  // Many failures in a row: etcd3's default circuit breaker would open after 3 and then refuse
  // calls for 5 s, also after etcd is back; ours has none (see faultHandling).
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const stillFailing = await rejectsUnavailable(b.txn([], [{ op: 'put', key: 'k', value: attempt }]));
    assert.ok(stillFailing < 6000);
  }

  const resumedAt = performance.now();
  await etcd.resume();
  const healthy = performance.now();
  metric('etcd restart until healthy (helper, not the store)', healthy - resumedAt);
  const cGone = new Promise<number>((resolve) => {
    b.onChange((events) => {
      if (events.some((event) => event.type === 'delete' && event.key === 'nodes/c')) resolve(performance.now());
    });
  });
  // A write works as soon as etcd answers, whether or not the store has noticed yet.
  for (;;) {
    try {
      await b.txn([], [{ op: 'put', key: 'probe', value: 1 }]);
      break;
    } catch (error) {
      if (!(error instanceof EngineError) || error.kind !== 'unavailable') throw error;
      assert.ok(performance.now() - healthy < 3000, 'writes still refused 3 s after etcd is back');
      await sleep(10);
    }
  }
  metric('etcd healthy again to first successful txn', performance.now() - healthy);
  await waitFor('both connected again', () => a.connected && b.connected, 15_000);
  metric('etcd healthy again to both stores connected', performance.now() - healthy);
  const writeStart = performance.now();
  assert.equal(await b.txn([{ key: 'names/ov', absent: true }], [{ op: 'put', key: 'names/ov', value: 'b' }]), true);
  metric('first txn after recovery', performance.now() - writeStart);
  await waitFor('a sees b\'s write', () => a.get('names/ov')?.value === 'b');
  // What etcd does with leases across its own restart: it keeps them and restarts their TTL
  // (the new leader refreshes every lease), so a's registration survived an outage longer than
  // the TTL, and a's keep-alive carries on with the same lease.
  await sleep(3000);
  assert.ok(b.get('nodes/a'), 'the leased key is present after the restart');
  assert.equal(a.currentLeaseId, lease, 'same lease after the restart');
  // c, stopped during the outage, was not expired during it: its lease got a full TTL again
  // when etcd came back, and expired then.
  const cGoneAfter = (await cGone) - healthy;
  metric('leased key of a node stopped during the outage: gone after etcd is back (ttl 2 s)', cGoneAfter);
  assert.ok(cGoneAfter > 1000, `${cGoneAfter} ms`);

});

test('etcd replaced by an empty one (data wiped, revisions start again at 1): mirrors follow, leased keys are written again, watches work', async () => {
  const prefix = freshPrefix();
  const a = await openStore(prefix, { ttlSeconds: 2 });
  const b = await openStore(prefix, { ttlSeconds: 2 });
  await a.putLeased('nodes/a', { id: 'a' });
  for (let index = 0; index < 20; index += 1) await b.txn([], [{ op: 'put', key: `networks/n${index}`, value: index }]);
  await waitFor('a sees the networks', () => a.list('networks/').length === 20);
  const deletes: string[] = [];
  a.onChange((events) => deletes.push(...events.filter((event) => event.type === 'delete').map((event) => event.key)));
  await etcd.stop();
  await rm(join(etcd.dir, 'data'), { recursive: true, force: true });
  await etcd.resume();
  await waitFor('both connected again', () => a.connected && b.connected, 15_000);
  await waitFor('a\'s node is back for b', () => b.get('nodes/a') !== undefined, 5000);
  assert.equal(a.list('networks/').length, 0);
  assert.equal(b.list('networks/').length, 0);
  assert.equal(deletes.filter((key) => key.startsWith('networks/')).length, 20);
  await b.txn([{ key: 'names/ov', absent: true }], [{ op: 'put', key: 'names/ov', value: 'b' }]);
  await waitFor('a sees b\'s write on the new watch', () => a.get('names/ov')?.value === 'b');
  await a.txn([], [{ op: 'put', key: 'names/ov2', value: 'a' }]);
  await waitFor('b sees a\'s write on the new watch', () => b.get('names/ov2')?.value === 'a');
});

test('TLS: client certificate, key and CA read at open(); without a client certificate etcd refuses (503)', async () => {
  const dir = join('/tmp', `conet-test-etcdtls-${randomBytes(4).toString('hex')}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const [port, peerPort] = [await freePort(), await freePort()];
  let server: ReturnType<typeof startProcess> | undefined;
  try {
    const openssl = (args: string[]) => run(['openssl', ...args], { timeoutMs: 20_000 });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    await openssl(['req', '-x509', ...ec, '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.crt'), '-subj', '/CN=conet-test-ca', '-days', '1']);
    for (const [name, usage] of [['server', 'serverAuth'], ['client', 'clientAuth']] as const) {
      await writeFile(join(dir, `${name}.ext`), `subjectAltName=IP:127.0.0.1\nextendedKeyUsage=${usage}\n`);
      await openssl(['req', ...ec, '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.csr`), '-subj', `/CN=conet-test-${name}`]);
      await openssl(['x509', '-req', '-in', join(dir, `${name}.csr`), '-CA', join(dir, 'ca.crt'), '-CAkey', join(dir, 'ca.key'), '-CAcreateserial', '-out', join(dir, `${name}.crt`), '-days', '1', '-extfile', join(dir, `${name}.ext`)]);
    }
    const url = `https://127.0.0.1:${port}`;
    const peer = `http://127.0.0.1:${peerPort}`;
    server = startProcess(
      [
        'etcd', '--name', 'conet-test', '--data-dir', join(dir, 'data'),
        '--listen-client-urls', url, '--advertise-client-urls', url,
        '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer, '--initial-cluster', `conet-test=${peer}`,
        '--cert-file', join(dir, 'server.crt'), '--key-file', join(dir, 'server.key'),
        '--client-cert-auth', '--trusted-ca-file', join(dir, 'ca.crt'), '--log-level', 'warn',
      ],
      { logFile: join(dir, 'etcd.log') },
    );
    const prefix = freshPrefix();
    const tls = { caFile: join(dir, 'ca.crt'), certFile: join(dir, 'client.crt'), keyFile: join(dir, 'client.key') };
    const a = new EtcdClusterStore({ endpoints: [url], prefix, ttlSeconds: 2, tls, requestTimeoutMs: 2000 });
    stores.push(a);
    // open() may be retried until etcd is up (as the daemon does at start-up).
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        await a.open();
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(200);
      }
    }
    // etcd:// endpoints with TLS options mean https.
    const b = await openStore(prefix, { endpoints: [`etcd://127.0.0.1:${port}`], tls });
    await a.txn([], [{ op: 'put', key: 'k', value: 'over tls' }]);
    await waitFor('b sees it', () => b.get('k')?.value === 'over tls');
    await b.putLeased('nodes/b', { id: 'b' });
    await waitFor('a sees b', () => a.get('nodes/b') !== undefined);
    const noClientCert = new EtcdClusterStore({ endpoints: [url], prefix, ttlSeconds: 2, tls: { caFile: tls.caFile }, requestTimeoutMs: 2000 });
    stores.push(noClientCert);
    await rejectsUnavailable(noClientCert.open());
    const missing = new EtcdClusterStore({ endpoints: [url], prefix, ttlSeconds: 2, tls: { caFile: join(dir, 'nope.crt') } });
    await assert.rejects(missing.open(), (error: unknown) => error instanceof EngineError && error.kind === 'invalid' && /nope\.crt/.test(error.message));
    await a.close();
    await b.close();
  } finally {
    await server?.stop(10_000);
    await rm(dir, { recursive: true, force: true });
  }
});

async function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A loopback TCP proxy this test controls: pass, refuse (reset everything) or blackhole. */
class TcpProxy {
  private mode: 'pass' | 'refuse' | 'blackhole' = 'pass';
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server, readonly port: number) {}

  static async start(targetPort: number): Promise<TcpProxy> {
    let proxy: TcpProxy | undefined;
    const server = createServer((client) => proxy!.accept(client, targetPort));
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : 0);
      });
    });
    proxy = new TcpProxy(server, port);
    return proxy;
  }

  private accept(client: Socket, targetPort: number): void {
    if (this.mode === 'refuse') {
      client.resetAndDestroy();
      return;
    }
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (data) => {
      if (this.mode === 'pass') upstream.write(data);
    });
    upstream.on('data', (data) => {
      if (this.mode === 'pass') client.write(data);
    });
  }

  cut(): void {
    this.mode = 'refuse';
    for (const socket of this.sockets) socket.resetAndDestroy();
  }

  blackhole(): void {
    this.mode = 'blackhole';
  }

  restore(): void {
    // Bytes were dropped on open connections: they are unusable, clients must reconnect.
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.mode = 'pass';
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
