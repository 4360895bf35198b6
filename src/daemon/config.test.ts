import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config.js';

async function withConfigFile<T>(content: unknown, fn: (path: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'conet-config-'));
  try {
    const path = join(dir, 'daemon.json');
    await writeFile(path, JSON.stringify(content));
    return await fn(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('ip6-masq defaults to true and can be switched off', async () => {
  assert.equal((await loadConfig({})).ip6Masquerade, true);
  assert.equal((await withConfigFile({ 'ip6-masq': false }, (config) => loadConfig({ config }))).ip6Masquerade, false);
  await assert.rejects(withConfigFile({ 'ip6-masq': 'no' }, (config) => loadConfig({ config })), /ip6-masq must be true or false/);
});

test('default-address-pools accepts IPv6 bases', async () => {
  const config = await withConfigFile({ 'default-address-pools': [{ base: '10.10.0.0/16', size: 24 }, { base: 'fd12:3456:789a::/48', size: 64 }] }, (path) => loadConfig({ config: path }));
  assert.deepEqual(config.addressPools, [{ base: '10.10.0.0/16', size: 24 }, { base: 'fd12:3456:789a::/48', size: 64 }]);
});

test('cluster mode: flags and file keys, Docker option names, clear errors', async () => {
  assert.equal((await loadConfig({})).cluster, undefined);
  const flags = await loadConfig({ clusterStore: 'etcd://10.99.0.2:2379,10.99.0.3:2379', clusterAdvertise: '10.99.0.11:2376', clusterStoreOpts: ['discovery.ttl=5'] });
  assert.deepEqual(flags.cluster, { endpoints: ['http://10.99.0.2:2379', 'http://10.99.0.3:2379'], advertise: '10.99.0.11', ttlSeconds: 5, prefix: '/conet/v1/' });
  const file = await withConfigFile(
    { 'cluster-store': 'etcd://etcd.lan:2379', 'cluster-advertise': '10.0.0.5', 'cluster-store-opts': { 'kv.cacertfile': '/ca.pem', 'kv.certfile': '/c.pem', 'kv.keyfile': '/k.pem' }, 'data-path-port': 4790 },
    (config) => loadConfig({ config }),
  );
  assert.deepEqual(file.cluster, { endpoints: ['https://etcd.lan:2379'], advertise: '10.0.0.5', ttlSeconds: 20, prefix: '/conet/v1/', tls: { caFile: '/ca.pem', certFile: '/c.pem', keyFile: '/k.pem' } });
  assert.equal(file.dataPathPort, 4790);
  await assert.rejects(loadConfig({ clusterStore: 'consul://x:8500', clusterAdvertise: '10.0.0.5' }), /unsupported cluster store/);
  await assert.rejects(loadConfig({ clusterStore: 'etcd://x:2379' }), /needs --cluster-advertise/);
  await assert.rejects(loadConfig({ clusterAdvertise: '10.0.0.5' }), /needs --cluster-store/);
  await assert.rejects(loadConfig({ clusterStore: 'etcd://x', clusterAdvertise: '10.0.0.5' }), /expected HOST:PORT/);
  await assert.rejects(loadConfig({ clusterStore: 'etcd://x:2379', clusterAdvertise: 'eth0' }), /invalid --cluster-advertise/);
  await assert.rejects(loadConfig({ clusterStore: 'etcd://x:2379', clusterAdvertise: '10.0.0.5', clusterStoreOpts: ['discovery.ttl=1'] }), /discovery.ttl/);
  await assert.rejects(loadConfig({ clusterStore: 'etcd://x:2379', clusterAdvertise: '10.0.0.5', clusterStoreOpts: ['kv.certfile=/c.pem'] }), /go together/);
  await assert.rejects(loadConfig({ clusterStore: 'etcd://x:2379', clusterAdvertise: '10.0.0.5', clusterStoreOpts: ['bogus=1'] }), /unknown cluster-store-opt/);
  await assert.rejects(withConfigFile({ 'data-path-port': 80 }, (config) => loadConfig({ config })), /data-path-port/);
});

test('ipv6 on the default bridge: ipv6 + fixed-cidr-v6, clear errors', async () => {
  assert.equal((await loadConfig({})).ipv6, false);
  const on = await withConfigFile({ ipv6: true, 'fixed-cidr-v6': 'FD00:DB8:1::/64' }, (config) => loadConfig({ config }));
  assert.equal(on.ipv6, true);
  assert.equal(on.fixedCidrV6, 'fd00:db8:1::/64');
  await assert.rejects(withConfigFile({ ipv6: true }, (config) => loadConfig({ config })), /needs fixed-cidr-v6/);
  await assert.rejects(withConfigFile({ ipv6: 'yes', 'fixed-cidr-v6': 'fd00::/64' }, (config) => loadConfig({ config })), /ipv6 must be true or false/);
  for (const bad of ['fd00::5/64', '10.0.0.0/24', 'fd00::/32', 'nonsense', 7]) {
    await assert.rejects(withConfigFile({ ipv6: true, 'fixed-cidr-v6': bad }, (config) => loadConfig({ config })), /invalid fixed-cidr-v6/, String(bad));
  }
});
