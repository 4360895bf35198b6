/**
 * The ClusterStore contract, registered as node:test tests for any implementation: the memory
 * store the engine's unit tests use must behave as EtcdClusterStore does against a real etcd.
 * Covers compares and atomic txns, refused txns, delete-prefix, read-your-writes, mirrors and
 * listeners of several clients, concurrent claims, and leases (lost, taken out by a txn put, kept
 * on close). Propagation to a peer is asynchronous with etcd, so peers are awaited with a deadline;
 * a client's own writes are checked without waiting. Outages and timings are implementation tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError } from '../errors/index.js';
import type { ClusterEvent, ClusterStore } from './cluster-store.js';

/** Several clients sharing one fresh keyspace (one "cluster"). */
export interface ClusterSpace {
  /** A new client of this space, opened. */
  client(): Promise<ClusterStore>;
  /** Ends the client's lease as its expiry would (open or closed client): its leased keys go. */
  loseLease(client: ClusterStore): Promise<void>;
}

export interface ClusterStoreHarness {
  /** A fresh keyspace; clients of earlier spaces never see its keys. */
  space(): Promise<ClusterSpace>;
  /** Closes every client made since the last cleanup; called after each test. */
  cleanup(): Promise<void>;
}

type Body = (space: ClusterSpace) => Promise<void>;

/** Polls until the condition holds (a peer's mirror follows by watch), failing after the deadline. */
export async function eventually(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function isSystemError(pattern: RegExp): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof EngineError, `expected an EngineError, got ${String(error)}`);
    assert.equal(error.kind, 'system');
    assert.match(error.message, pattern);
    return true;
  };
}

async function compares(space: ClusterSpace): Promise<void> {
  const a = await space.client();
  assert.equal(await a.txn([{ key: 'k', absent: true }], [{ op: 'put', key: 'k', value: 1 }]), true);
  assert.equal(await a.txn([{ key: 'k', absent: true }], [{ op: 'put', key: 'k', value: 2 }]), false);
  assert.equal(await a.txn([{ key: 'nope', present: true }], [{ op: 'put', key: 'k', value: 3 }]), false);
  assert.equal(a.get('k')?.value, 1);
  const revision = a.get('k')!.modRevision;
  assert.equal(await a.txn([{ key: 'k', present: true }, { key: 'k', modRevision: revision }], [{ op: 'put', key: 'k', value: 4 }]), true);
  assert.ok(Number(a.get('k')!.modRevision) > Number(revision), 'a write makes a newer revision');
  // The stale revision fails now; the other ops of the same txn are not applied either.
  const stale = await a.txn([{ key: 'k', modRevision: revision }], [{ op: 'put', key: 'other', value: 'x' }, { op: 'delete', key: 'k' }]);
  assert.equal(stale, false);
  assert.equal(a.get('other'), undefined);
  assert.equal(a.get('k')?.value, 4);
  assert.deepEqual((await a.read('')).map((entry) => [entry.key, entry.value]), [['k', 4]], 'the store agrees with the mirror');
  assert.equal(await a.txn([{ key: 'ghost', modRevision: revision }], [{ op: 'put', key: 'ghost', value: 1 }]), false, 'modRevision of an absent key');
  // Every op of one txn shares one revision.
  assert.equal(await a.txn([], [{ op: 'put', key: 'x', value: 1 }, { op: 'put', key: 'y', value: 2 }, { op: 'delete', key: 'k' }]), true);
  assert.equal(a.get('x')?.modRevision, a.get('y')?.modRevision);
  assert.ok(Number(a.get('x')!.modRevision) > Number(revision));
}

async function refused(space: ClusterSpace): Promise<void> {
  const a = await space.client();
  await assert.rejects(a.txn([], [{ op: 'put', key: 'k', value: 1 }, { op: 'put', key: 'k', value: 2 }]), isSystemError(/duplicate key/));
  await assert.rejects(a.txn([], [{ op: 'put', key: 'p/k', value: 1 }, { op: 'delete-prefix', key: 'p/' }]), isSystemError(/duplicate key/));
  await assert.rejects(a.txn([], [{ op: 'put', key: 'k', value: undefined }]), TypeError, 'a value without JSON');
  assert.equal(a.get('k'), undefined);
  assert.deepEqual(await a.read(''), [], 'nothing of a refused txn reached the store');
  assert.equal(a.connected, true, 'a refused txn is no outage');
  assert.equal(await a.txn([], [{ op: 'put', key: 'k', value: 1 }]), true);
}

async function deletePrefix(space: ClusterSpace): Promise<void> {
  const a = await space.client();
  const b = await space.client();
  const seenByB: ClusterEvent[] = [];
  b.onChange((events) => seenByB.push(...events));
  await a.txn([], [
    { op: 'put', key: 'endpoints/n1/e1', value: { id: 'e1' } },
    { op: 'put', key: 'endpoints/n1/e2', value: { id: 'e2' } },
    { op: 'put', key: 'endpoints/n10/e3', value: { id: 'e3' } },
    { op: 'put', key: 'networks/n1', value: { id: 'n1' } },
  ]);
  await eventually('b sees the four keys', () => b.list('').length === 4);
  seenByB.length = 0;
  assert.equal(await b.txn([{ key: 'networks/n1', present: true }], [{ op: 'delete-prefix', key: 'endpoints/n1/' }, { op: 'delete', key: 'networks/n1' }]), true);
  assert.deepEqual(b.list('').map((entry) => entry.key), ['endpoints/n10/e3'], 'own write, no wait');
  await eventually('a sees the deletes', () => a.list('').length === 1);
  assert.deepEqual(a.list('').map((entry) => entry.key), ['endpoints/n10/e3']);
  assert.deepEqual([...seenByB].sort((x, y) => (x.key < y.key ? -1 : 1)), [
    { type: 'delete', key: 'endpoints/n1/e1', value: { id: 'e1' } },
    { type: 'delete', key: 'endpoints/n1/e2', value: { id: 'e2' } },
    { type: 'delete', key: 'networks/n1', value: { id: 'n1' } },
  ], 'one event per deleted key, with its last value, announced once');
}

async function mirrors(space: ClusterSpace): Promise<void> {
  const a = await space.client();
  const b = await space.client();
  const seenByA: ClusterEvent[] = [];
  const seenByB: ClusterEvent[] = [];
  a.onChange((events) => seenByA.push(...events));
  b.onChange((events) => seenByB.push(...events));
  await a.txn([], [{ op: 'put', key: 'names/zeta', value: 'n2' }, { op: 'put', key: 'names/alpha', value: 'n1' }]);
  assert.equal(a.get('names/alpha')?.value, 'n1', 'read your own writes');
  assert.equal(seenByA.length, 2, 'own writes are announced before txn() resolves');
  await eventually('b sees both names', () => b.list('names/').length === 2);
  assert.deepEqual(b.list('names/').map((entry) => entry.key), ['names/alpha', 'names/zeta'], 'sorted by key');
  assert.deepEqual(a.list('names/z').map((entry) => entry.value), ['n2'], 'by prefix');
  assert.equal(a.get('names/alpha')?.modRevision, b.get('names/alpha')?.modRevision);
  assert.deepEqual(seenByB.map((event) => `${event.type} ${event.key} ${String(event.value)}`).sort(), ['put names/alpha n1', 'put names/zeta n2']);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(seenByA.length, 2, 'own writes are not announced again when the watch brings them back');
  const unsubscribe = b.onChange(() => assert.fail('unsubscribed listener called'));
  unsubscribe();
  await copiesAndFrozen(a, b);
  assert.deepEqual((await b.read<string>('names/')).map((entry) => [entry.key, entry.value]), [['names/alpha', 'n1'], ['names/zeta', 'n2']]);
  // Listeners see a consistent mirror: every event of a batch is applied when they run.
  const checked: string[] = [];
  b.onChange((events) => {
    for (const event of events) assert.equal(b.get(event.key) !== undefined, event.type === 'put');
    checked.push(...events.map((event) => event.key));
  });
  await a.txn([], [{ op: 'delete', key: 'names/zeta' }, { op: 'put', key: 'names/beta', value: 'n3' }]);
  await eventually('b hears the change', () => checked.length === 2);
}

/** Values in the mirror are copies of what was written, and frozen. */
async function copiesAndFrozen(a: ClusterStore, b: ClusterStore): Promise<void> {
  const network = { id: 'n1', labels: { a: '1' } };
  await b.txn([], [{ op: 'put', key: 'networks/n1', value: network }]);
  network.labels.a = 'changed later';
  assert.deepEqual(b.get('networks/n1')?.value, { id: 'n1', labels: { a: '1' } });
  await eventually('a sees networks/n1', () => a.get('networks/n1') !== undefined);
  assert.deepEqual(a.get('networks/n1')?.value, { id: 'n1', labels: { a: '1' } });
  assert.throws(() => {
    (a.get<{ labels: Record<string, string> }>('networks/n1')!.value.labels as Record<string, string>).a = 'x';
  }, TypeError);
}

async function failedCompareTeaches(space: ClusterSpace): Promise<void> {
  const a = await space.client();
  const b = await space.client();
  // b wrote just now; a's watch may not have brought it yet, the failed compare does.
  await b.txn([], [{ op: 'put', key: 'race', value: 'b' }]);
  assert.equal(await a.txn([{ key: 'race', absent: true }], [{ op: 'put', key: 'race', value: 'a' }]), false);
  assert.equal(a.get('race')?.value, 'b');
  const revision = a.get('race')!.modRevision;
  assert.equal(revision, b.get('race')?.modRevision);
  // And a retry with what it learnt succeeds.
  assert.equal(await a.txn([{ key: 'race', modRevision: revision }], [{ op: 'put', key: 'race', value: 'a' }]), true);
  await eventually('b sees a\'s retry', () => b.get('race')?.value === 'a');
  // A key deleted behind a's back: the failed compare makes the mirror forget it.
  await eventually('a sees its own key', () => a.get('race') !== undefined);
  await b.txn([], [{ op: 'delete', key: 'race' }]);
  assert.equal(await a.txn([{ key: 'race', present: true }], [{ op: 'put', key: 'race', value: 'again' }]), false);
  assert.equal(a.get('race'), undefined);
}

async function concurrentClaims(space: ClusterSpace): Promise<void> {
  const clients = [await space.client(), await space.client(), await space.client()];
  for (let round = 0; round < 3; round += 1) {
    const key = `subnets/10.${round}.0.0_24`;
    const attempts = clients.flatMap((client, c) =>
      [0, 1, 2].map((n) =>
        client.txn([{ key, absent: true }], [
          { op: 'put', key, value: `net-${c}-${n}` },
          { op: 'put', key: `networks/net-${c}-${n}-${round}`, value: { subnet: key } },
        ]),
      ),
    );
    const results = await Promise.all(attempts);
    assert.equal(results.filter(Boolean).length, 1, `round ${round}: ${results.join(',')}`);
    const winner = (await clients[0]!.read<string>(key))[0]?.value;
    assert.ok(winner);
    await eventually('every mirror agrees', () => clients.every((client) => client.get(key)?.value === winner));
    const networks = (await clients[1]!.read('networks/')).filter((entry) => entry.key.endsWith(`-${round}`));
    assert.deepEqual(networks.map((entry) => entry.key), [`networks/${winner}-${round}`], 'only the winner\'s other op applied');
  }
}

async function leases(space: ClusterSpace): Promise<void> {
  const owner = await space.client();
  const peer = await space.client();
  await owner.putLeased('nodes/a', { id: 'a' });
  await owner.putLeased('slices/ov/a', '10.0.1.0/24');
  assert.deepEqual(owner.get('nodes/a')?.value, { id: 'a' }, 'read your own leased write');
  await eventually('peer sees the leased keys', () => peer.get('nodes/a') !== undefined && peer.get('slices/ov/a') !== undefined);
  // A txn put takes a key out of the lease: it survives the lease.
  await owner.txn([], [{ op: 'put', key: 'slices/ov/a', value: '10.0.2.0/24' }]);
  const events: string[] = [];
  peer.onChange((batch) => events.push(...batch.map((event) => `${event.type} ${event.key}`)));
  await space.loseLease(owner);
  // An open owner writes its leased keys again under a new lease; peers see them go and come back.
  await eventually('peer saw nodes/a go and come back', () => events.includes('delete nodes/a') && peer.get('nodes/a') !== undefined);
  assert.deepEqual(peer.get('nodes/a')?.value, { id: 'a' });
  assert.ok(!events.includes('delete slices/ov/a'), 'the txn-put key was not under the lease');
  assert.equal((await peer.read('slices/'))[0]?.value, '10.0.2.0/24');
  // close() does not revoke: the keys stay until the lease runs out, then are gone for good.
  await eventually('the owner has its key again', () => owner.get('nodes/a') !== undefined);
  await owner.close();
  assert.deepEqual((await peer.read('nodes/')).map((entry) => entry.key), ['nodes/a'], 'close() keeps the leased keys');
  await space.loseLease(owner);
  await eventually('peer sees nodes/a expire', () => peer.get('nodes/a') === undefined);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.deepEqual(await peer.read('nodes/'), [], 'a closed client does not write them again');
  assert.ok(peer.get('slices/ov/a'));
}

export function clusterStoreContract(label: string, harness: ClusterStoreHarness): void {
  const cases: Array<[string, Body]> = [
    ['txn compares (absent, present, modRevision); a failed compare applies nothing; one revision per txn', compares],
    ['a txn touching a key twice or with a value JSON lacks is refused, applying nothing', refused],
    ['delete-prefix deletes every key under the prefix; events carry the last value', deletePrefix],
    ['mirrors and listeners across two clients; read your own writes; list sorted; values copied and frozen', mirrors],
    ['after a failed compare the mirror knows the compared key\'s current state', failedCompareTeaches],
    ['concurrent txns claiming the same key: exactly one wins, everywhere', concurrentClaims],
    ['leases: a lost lease is replaced by an open owner; a txn put unleases; close keeps keys until expiry', leases],
  ];
  for (const [name, body] of cases) {
    test(`${label} cluster store contract: ${name}`, async () => {
      try {
        await body(await harness.space());
      } finally {
        await harness.cleanup();
      }
    });
  }
}
