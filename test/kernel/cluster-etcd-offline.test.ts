/**
 * EtcdClusterStore.openOffline: a daemon that restarts while etcd is down starts from the copy of
 * the mirror it saved; reads answer from it, writes answer 503, and when etcd is back the store
 * connects by itself and announces what changed meanwhile.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EtcdClusterStore } from '../../src/cluster/etcd/etcd-cluster-store.js';
import type { ClusterEvent } from '../../src/cluster/cluster-store.js';
import { isEngineError } from '../../src/errors/index.js';
import { EtcdServer } from '../helpers/etcd.js';

async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not true after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('etcd cluster store started offline from a saved mirror', () => {
  const stores: EtcdClusterStore[] = [];
  let etcd: EtcdServer | undefined;
  after(async () => {
    for (const store of stores) await store.close().catch(() => undefined);
    await etcd?.dispose();
  });
  const make = (): EtcdClusterStore => {
    const store = new EtcdClusterStore({ endpoints: [etcd!.url], prefix: '/offline/', ttlSeconds: 5, requestTimeoutMs: 1_500, retryIntervalMs: 200 });
    stores.push(store);
    return store;
  };

  it('answers reads from the copy, refuses writes with 503, then catches up with etcd', { timeout: 60_000 }, async () => {
    etcd = await EtcdServer.start();
    const first = make();
    await first.open();
    await first.txn([], [{ op: 'put', key: 'networks/a', value: { name: 'a' } }, { op: 'put', key: 'networks/b', value: { name: 'b' } }]);
    const saved = first.list('');
    // Meanwhile (after the copy was taken) b goes and c comes.
    await first.txn([], [{ op: 'delete', key: 'networks/b' }, { op: 'put', key: 'networks/c', value: { name: 'c' } }]);
    await first.close();
    await etcd.stop();

    const second = make();
    await second.openOffline(saved);
    assert.equal(second.connected, false);
    assert.deepEqual(second.list('networks/').map((entry) => entry.key), ['networks/a', 'networks/b']);
    const started = Date.now();
    await assert.rejects(second.txn([], [{ op: 'put', key: 'x', value: 1 }]), (error: unknown) => isEngineError(error) && error.kind === 'unavailable');
    assert.ok(Date.now() - started < 5_000);
    const events: ClusterEvent[] = [];
    second.onChange((batch) => events.push(...batch));

    await etcd.resume();
    await until('connected', () => second.connected);
    assert.deepEqual(second.list('networks/').map((entry) => entry.key), ['networks/a', 'networks/c']);
    assert.deepEqual(events.map((event) => `${event.type} ${event.key}`).sort(), ['delete networks/b', 'put networks/c']);
    assert.equal(await second.txn([{ key: 'x', absent: true }], [{ op: 'put', key: 'x', value: 1 }]), true);
  });
});
