/**
 * The etcd cluster store over TLS with client certificates (`--cluster-store-opt kv.cacertfile=…
 * kv.certfile=… kv.keyfile=…`), against a real etcd that requires them: a store with the CA and a
 * client certificate works; one without a client certificate, or trusting another CA, is refused
 * with 503 and never talks to etcd in the clear.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EtcdClusterStore } from '../../src/cluster/etcd/etcd-cluster-store.js';
import { isEngineError } from '../../src/errors/index.js';
import { EtcdServer } from '../helpers/etcd.js';
import { TestCa } from '../helpers/tls.js';

describe('etcd cluster store over TLS', () => {
  let ca: TestCa | undefined;
  let other: TestCa | undefined;
  let etcd: EtcdServer | undefined;
  const stores: EtcdClusterStore[] = [];

  before(async () => {
    ca = await TestCa.create();
    other = await TestCa.create();
    const server = await ca.issue('etcd', ['127.0.0.1']);
    etcd = await EtcdServer.start({ tls: { caFile: ca.caFile, ...server } });
  });

  after(async () => {
    for (const store of stores) await store.close().catch(() => undefined);
    await etcd?.dispose();
    await ca?.dispose();
    await other?.dispose();
  });

  const store = (tls: { caFile?: string; certFile?: string; keyFile?: string }, endpoint = etcd!.url): EtcdClusterStore => {
    const made = new EtcdClusterStore({ endpoints: [endpoint], prefix: '/tls-test/', ttlSeconds: 5, tls, requestTimeoutMs: 2_000 });
    stores.push(made);
    return made;
  };

  it('works with the CA and a client certificate', { timeout: 30_000 }, async () => {
    assert.match(etcd!.url, /^https:/);
    const client = await ca!.issue('conetd');
    const good = store({ caFile: ca!.caFile, ...client });
    await good.open();
    assert.equal(await good.txn([{ key: 'k', absent: true }], [{ op: 'put', key: 'k', value: { tls: true } }]), true);
    assert.deepEqual((await good.read('k'))[0]?.value, { tls: true });
  });

  it('refuses without a client certificate, with another CA, or in the clear: 503', { timeout: 60_000 }, async () => {
    const stranger = await other!.issue('stranger');
    for (const [label, bad] of [
      ['no client certificate', store({ caFile: ca!.caFile })],
      ['a client certificate of another CA', store({ caFile: ca!.caFile, ...stranger })],
      ['trusting another CA', store({ caFile: other!.caFile, ...stranger })],
      ['plain http', store({}, etcd!.url.replace('https:', 'http:'))],
    ] as const) {
      await assert.rejects(
        (async () => {
          await bad.open();
          await bad.txn([], [{ op: 'put', key: 'x', value: 1 }]);
        })(),
        (error: unknown) => isEngineError(error) && error.kind === 'unavailable',
        label,
      );
    }
  });
});
