/**
 * MemoryClusterStore: the shared ClusterStore contract (as EtcdClusterStore passes it against a
 * real etcd), then what only the memory backend has: its revision counter, simulated outages and
 * lease expiry while cut off.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError } from '../errors/index.js';
import type { ClusterEvent } from './cluster-store.js';
import { MemoryClusterBackend, MemoryClusterStore } from './memory-cluster-store.js';
import { clusterStoreContract } from './cluster-store.contract.js';

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

const clients: MemoryClusterStore[] = [];

clusterStoreContract('memory', {
  space: async () => {
    const backend = new MemoryClusterBackend();
    return {
      client: async () => {
        const store = new MemoryClusterStore(backend, `n${clients.length}`);
        clients.push(store);
        await store.open();
        return store;
      },
      loseLease: async (client) => {
        backend.expireLeases(client as MemoryClusterStore);
        await backend.flush();
      },
    };
  },
  cleanup: async () => {
    for (const client of clients.splice(0)) await client.close();
  },
});

test('one revision per txn that changes something, none for one that does not', async () => {
  const { a } = await pair();
  const before = a.backend.currentRevision;
  await a.txn([], [{ op: 'put', key: 'x', value: 1 }, { op: 'put', key: 'y', value: 2 }]);
  assert.equal(Number(a.backend.currentRevision), Number(before) + 1);
  await a.txn([], [{ op: 'delete', key: 'absent-key' }]);
  await a.txn([{ key: 'x', absent: true }], [{ op: 'put', key: 'x', value: 3 }]);
  assert.equal(Number(a.backend.currentRevision), Number(before) + 1);
  assert.equal(a.get('x')?.modRevision, a.backend.currentRevision);
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

test('leases: a lease that expires while its client is cut off is written again once reconnected', async () => {
  const { backend, a, b } = await pair();
  await a.putLeased('nodes/a', { id: 'a' });
  await a.putLeased('slices/ov/a', '10.0.1.0/24');
  await b.putLeased('nodes/b', { id: 'b' });
  assert.deepEqual(backend.leasedKeys(a), ['nodes/a', 'slices/ov/a']);
  // A txn put of a leased key takes it out of the lease.
  await a.txn([], [{ op: 'put', key: 'slices/ov/a', value: '10.0.2.0/24' }]);
  assert.deepEqual(backend.leasedKeys(a), ['nodes/a']);

  backend.setAvailable(false, a);
  backend.expireLeases(a);
  await backend.flush();
  assert.equal(b.get('nodes/a'), undefined);
  backend.setAvailable(true, a);
  assert.deepEqual(b.get('nodes/a')?.value, { id: 'a' });
  assert.deepEqual(backend.leasedKeys(a), ['nodes/a']);

  await a.close();
  backend.expireLeases(a);
  await backend.flush();
  assert.equal(b.get('nodes/a'), undefined);
  assert.ok(b.get('nodes/b'), 'only the expired client\'s keys go');
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
