import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError } from '../errors/index.js';
import type { ClusterEvent } from './cluster-store.js';
import { MemoryClusterBackend, MemoryClusterStore } from './memory-cluster-store.js';

async function pair(): Promise<{ backend: MemoryClusterBackend; a: MemoryClusterStore; b: MemoryClusterStore; seenByB: ClusterEvent[][] }> {
  const backend = new MemoryClusterBackend();
  const a = new MemoryClusterStore(backend, 'a');
  const b = new MemoryClusterStore(backend, 'b');
  await a.open();
  await b.open();
  const seenByB: ClusterEvent[][] = [];
  b.onChange((events) => seenByB.push([...events]));
  return { backend, a, b, seenByB };
}

function isUnavailable(error: unknown): boolean {
  assert.ok(error instanceof EngineError);
  assert.equal(error.kind, 'unavailable');
  assert.match(error.message, /^cluster store is unavailable: /);
  return true;
}

test('txn compares: absent, present, modRevision; a failed compare applies nothing', async () => {
  const { a } = await pair();
  assert.equal(await a.txn([{ key: 'k', absent: true }], [{ op: 'put', key: 'k', value: 1 }]), true);
  assert.equal(await a.txn([{ key: 'k', absent: true }], [{ op: 'put', key: 'k', value: 2 }]), false);
  assert.equal(await a.txn([{ key: 'nope', present: true }], [{ op: 'put', key: 'k', value: 3 }]), false);
  assert.equal(a.get('k')?.value, 1);
  const revision = a.get('k')!.modRevision;
  assert.equal(await a.txn([{ key: 'k', present: true }, { key: 'k', modRevision: revision }], [{ op: 'put', key: 'k', value: 4 }]), true);
  const newer = a.get('k')!.modRevision;
  assert.ok(Number(newer) > Number(revision));
  assert.equal(await a.txn([{ key: 'k', modRevision: revision }], [{ op: 'put', key: 'other', value: 'x' }, { op: 'delete', key: 'k' }]), false);
  assert.equal(a.get('other'), undefined);
  assert.equal(a.get('k')?.value, 4);
  assert.equal(await a.txn([{ key: 'ghost', modRevision: revision }], [{ op: 'put', key: 'ghost', value: 1 }]), false);
  // Every op of a txn shares one revision; a txn that changes nothing doesn't make one.
  const before = a.backend.currentRevision;
  await a.txn([], [{ op: 'put', key: 'x', value: 1 }, { op: 'put', key: 'y', value: 2 }]);
  assert.equal(a.get('x')?.modRevision, a.get('y')?.modRevision);
  assert.equal(Number(a.backend.currentRevision), Number(before) + 1);
  await a.txn([], [{ op: 'delete', key: 'absent-key' }]);
  assert.equal(Number(a.backend.currentRevision), Number(before) + 1);
});

test('etcd refuses a txn touching a key twice; so does the memory store', async () => {
  const { a } = await pair();
  await assert.rejects(a.txn([], [{ op: 'put', key: 'k', value: 1 }, { op: 'put', key: 'k', value: 2 }]), /duplicate key/);
  await assert.rejects(a.txn([], [{ op: 'put', key: 'p/k', value: 1 }, { op: 'delete-prefix', key: 'p/' }]), /duplicate key/);
  assert.equal(a.get('k'), undefined);
  await assert.rejects(a.txn([], [{ op: 'put', key: 'k', value: undefined }]), TypeError);
});

test('delete-prefix deletes every key under the prefix in one revision, events carry the last value', async () => {
  const { a, b, seenByB } = await pair();
  await a.txn([], [
    { op: 'put', key: 'endpoints/n1/e1', value: { id: 'e1' } },
    { op: 'put', key: 'endpoints/n1/e2', value: { id: 'e2' } },
    { op: 'put', key: 'endpoints/n10/e3', value: { id: 'e3' } },
    { op: 'put', key: 'networks/n1', value: { id: 'n1' } },
  ]);
  seenByB.length = 0;
  assert.equal(await b.txn([{ key: 'networks/n1', present: true }], [{ op: 'delete-prefix', key: 'endpoints/n1/' }, { op: 'delete', key: 'networks/n1' }]), true);
  assert.deepEqual(a.list('').map((entry) => entry.key), ['endpoints/n10/e3']);
  assert.deepEqual(seenByB, [
    [
      { type: 'delete', key: 'endpoints/n1/e1', value: { id: 'e1' } },
      { type: 'delete', key: 'endpoints/n1/e2', value: { id: 'e2' } },
      { type: 'delete', key: 'networks/n1', value: { id: 'n1' } },
    ],
  ]);
});

test('mirrors and listeners across two clients; read your own writes; list sorted; values frozen', async () => {
  const { a, b, seenByB } = await pair();
  const seenByA: ClusterEvent[][] = [];
  a.onChange((events) => seenByA.push([...events]));
  await a.txn([], [{ op: 'put', key: 'names/zeta', value: 'n2' }, { op: 'put', key: 'names/alpha', value: 'n1' }]);
  assert.equal(a.get('names/alpha')?.value, 'n1');
  assert.equal(b.get('names/alpha')?.value, 'n1');
  assert.deepEqual(b.list('names/').map((entry) => entry.key), ['names/alpha', 'names/zeta']);
  assert.equal(seenByA.length, 1);
  assert.equal(seenByB.length, 1);
  assert.equal(a.get('names/alpha')?.modRevision, b.get('names/alpha')?.modRevision);
  const unsubscribe = b.onChange(() => assert.fail('unsubscribed'));
  unsubscribe();
  const network = { id: 'n1', labels: { a: '1' } };
  await b.txn([], [{ op: 'put', key: 'networks/n1', value: network }]);
  network.labels.a = 'changed later';
  assert.deepEqual(a.get('networks/n1')?.value, { id: 'n1', labels: { a: '1' } });
  assert.throws(() => {
    (a.get<{ labels: Record<string, string> }>('networks/n1')!.value.labels as Record<string, string>).a = 'x';
  }, TypeError);
  assert.deepEqual((await a.read('names/')).map((entry) => entry.value), ['n1', 'n2']);
  // Listeners see a consistent mirror: the change is applied when they run.
  b.onChange((events) => {
    for (const event of events) assert.equal(b.get(event.key) !== undefined, event.type === 'put');
  });
  await a.txn([], [{ op: 'delete', key: 'names/zeta' }, { op: 'put', key: 'names/beta', value: 'n3' }]);
});

test('outage: requests reject with 503, mirrors keep answering; reconnect catches up with a diff', async () => {
  const { backend, a, b, seenByB } = await pair();
  await a.txn([], [{ op: 'put', key: 'keep', value: 1 }, { op: 'put', key: 'gone', value: 2 }]);
  backend.setAvailable(false);
  assert.equal(a.connected, false);
  assert.equal(b.connected, false);
  await assert.rejects(a.txn([], [{ op: 'put', key: 'x', value: 1 }]), isUnavailable);
  await assert.rejects(a.putLeased('nodes/a', {}), isUnavailable);
  await assert.rejects(a.read(''), isUnavailable);
  assert.equal(a.get('keep')?.value, 1);
  assert.equal(b.list('').length, 2);
  backend.setAvailable(true);
  assert.ok(a.connected && b.connected);

  // Only b cut off: a keeps writing; b catches up when reconnected, as a diff.
  backend.setAvailable(false, b);
  assert.equal(a.connected, true);
  assert.equal(b.connected, false);
  await a.txn([], [{ op: 'delete', key: 'gone' }, { op: 'put', key: 'new', value: 3 }, { op: 'put', key: 'keep', value: 4 }]);
  assert.equal(b.get('gone')?.value, 2);
  await assert.rejects(b.txn([], [{ op: 'put', key: 'y', value: 1 }]), isUnavailable);
  seenByB.length = 0;
  backend.setAvailable(true, b);
  assert.equal(b.connected, true);
  assert.deepEqual(b.list('').map((entry) => [entry.key, entry.value]), [['keep', 4], ['new', 3]]);
  assert.deepEqual(seenByB.flat().sort((x, y) => (x.key < y.key ? -1 : 1)), [
    { type: 'delete', key: 'gone', value: 2 },
    { type: 'put', key: 'keep', value: 4 },
    { type: 'put', key: 'new', value: 3 },
  ]);
});

test('leases: expiry deletes a closed client\'s keys for everyone; an open client writes them again', async () => {
  const { backend, a, b } = await pair();
  await a.putLeased('nodes/a', { id: 'a' });
  await a.putLeased('slices/ov/a', '10.0.1.0/24');
  await b.putLeased('nodes/b', { id: 'b' });
  assert.deepEqual(backend.leasedKeys(a), ['nodes/a', 'slices/ov/a']);
  // A txn put of a leased key takes it out of the lease.
  await a.txn([], [{ op: 'put', key: 'slices/ov/a', value: '10.0.2.0/24' }]);
  assert.deepEqual(backend.leasedKeys(a), ['nodes/a']);

  // Open client: the keys go, then come back under a new lease.
  const seen: ClusterEvent[] = [];
  b.onChange((events) => seen.push(...events));
  backend.expireLeases(a);
  assert.equal(b.get('nodes/a'), undefined);
  await backend.flush();
  assert.deepEqual(b.get('nodes/a')?.value, { id: 'a' });
  assert.deepEqual(seen.map((event) => `${event.type} ${event.key}`), ['delete nodes/a', 'put nodes/a']);

  // Cut off while its lease expires: written again once reconnected.
  backend.setAvailable(false, a);
  backend.expireLeases(a);
  await backend.flush();
  assert.equal(b.get('nodes/a'), undefined);
  backend.setAvailable(true, a);
  assert.deepEqual(b.get('nodes/a')?.value, { id: 'a' });

  // Closed client (no revoke): the keys stay until the lease expires, then are gone for good.
  await a.close();
  assert.ok(b.get('nodes/a'));
  backend.expireLeases(a);
  await backend.flush();
  assert.equal(b.get('nodes/a'), undefined);
  assert.ok(b.get('nodes/b'));
  await assert.rejects(a.txn([], []), isUnavailable);
});

test('open() while unavailable rejects with 503; a late opener loads everything', async () => {
  const backend = new MemoryClusterBackend();
  const a = new MemoryClusterStore(backend, 'a');
  await a.open();
  await a.txn([], [{ op: 'put', key: 'networks/n1', value: { id: 'n1' } }]);
  backend.setAvailable(false);
  await assert.rejects(new MemoryClusterStore(backend, 'late').open(), isUnavailable);
  backend.setAvailable(true);
  const late = new MemoryClusterStore(backend, 'late');
  await late.open();
  assert.deepEqual(late.get('networks/n1')?.value, { id: 'n1' });
});
