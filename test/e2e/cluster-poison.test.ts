/**
 * Issue 10, item 7, on real kernels: records written straight into etcd (as anyone with write
 * access to it could) with a script for a MAC, an address outside the subnet, and host-gw slices
 * outside the subnet or not a CIDR at all. The other nodes keep programming their good peers (a
 * container started after the poison is reached), and no bad value reaches `bridge fdb`,
 * `ip neigh` or `ip route` on any node.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../src/exec/index.js';
import { withCluster, type TestCluster } from '../helpers/cluster.js';
import { delay, type TestHost } from '../helpers/host.js';

const PREFIX = '/conet/v1/';

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: still not true after ${timeoutMs} ms`);
    await delay(200);
  }
}

/** A put through etcd's JSON gateway, from inside the etcd namespace (no etcdctl needed). */
async function etcdPut(cluster: TestCluster, key: string, value: unknown): Promise<void> {
  const body = JSON.stringify({ key: Buffer.from(PREFIX + key).toString('base64'), value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64') });
  await run(['nsenter', `--net=/run/netns/${cluster.etcdNetns}`, 'curl', '-fsS', '--max-time', '5', '-X', 'POST', '-d', '@-', `http://${cluster.etcdAddress}:2379/v3/kv/put`], { input: body, timeoutMs: 10_000 });
}

async function etcdKeys(cluster: TestCluster, prefix: string): Promise<string[]> {
  const start = Buffer.from(PREFIX + prefix);
  const end = Buffer.from(start);
  end[end.length - 1] = (end[end.length - 1] ?? 0) + 1;
  const body = JSON.stringify({ key: start.toString('base64'), range_end: end.toString('base64'), keys_only: true });
  const out = await run(['nsenter', `--net=/run/netns/${cluster.etcdNetns}`, 'curl', '-fsS', '--max-time', '5', '-X', 'POST', '-d', '@-', `http://${cluster.etcdAddress}:2379/v3/kv/range`], { input: body, timeoutMs: 10_000 });
  const kvs = (JSON.parse(out.stdout) as { kvs?: Array<{ key: string }> }).kvs ?? [];
  return kvs.map((kv) => Buffer.from(kv.key, 'base64').toString().slice(PREFIX.length + prefix.length));
}

async function kernelState(host: TestHost, device: string): Promise<string> {
  const [fdb, neigh, route] = await Promise.all([
    run(['bridge', '-n', host.netns, 'fdb', 'show', 'dev', device], { allowFailure: true, timeoutMs: 10_000 }),
    run(['ip', '-n', host.netns, 'neigh', 'show', 'dev', device], { allowFailure: true, timeoutMs: 10_000 }),
    run(['ip', '-n', host.netns, 'route'], { timeoutMs: 10_000 }),
  ]);
  return `${fdb.stdout}\n${neigh.stdout}\n${route.stdout}`;
}

async function started(host: TestHost, name: string, network: string): Promise<{ mac: string; address: string }> {
  await host.dockerOk(['run', '-d', '--name', name, '--network', network, 'busybox', 'sleep', '3600']);
  const [mac = '', address = ''] = (await host.dockerOk(['inspect', '-f', `{{(index .NetworkSettings.Networks "${network}").MacAddress}} {{(index .NetworkSettings.Networks "${network}").IPAddress}}`, name])).split(' ');
  return { mac, address };
}

test('poisoned etcd records are skipped; the other nodes keep syncing their good peers', { timeout: 300_000 }, async () => {
  await withCluster(async (cluster) => {
    await cluster.explain(async () => {
      const [h1, h2, h3] = cluster.hosts as [TestHost, TestHost, TestHost];
      const vxId = await h1.dockerOk(['network', 'create', '-d', 'overlay', '--subnet', '10.78.0.0/24', 'ovp']);
      const gwId = await h1.dockerOk(['network', 'create', '-d', 'overlay', '-o', 'mode=host-gw', '--subnet', '10.79.0.0/16', 'ovg']);
      const device = `vx-${vxId.slice(0, 12)}`;
      await eventually('ovp and ovg on every host', async () => (await Promise.all([h2, h3].map((host) => host.dockerOk(['network', 'ls', '--format', '{{.Name}}'])))).every((names) => names.includes('ovp') && names.includes('ovg')));
      await started(h1, 'p1', 'ovp');
      const p2 = await started(h2, 'p2', 'ovp');
      await started(h1, 'g1', 'ovg');
      await started(h2, 'g2', 'ovg');
      await eventually('h1 knows p2', async () => (await kernelState(h1, device)).includes(p2.mac));
      // Host 2's node id: the poisoned endpoints claim to live there (a live node, so only validation keeps them out).
      const nodeOf2 = (await etcdKeys(cluster, 'nodes/')).find((id) => id.startsWith(h2.daemonShortId));
      assert.ok(nodeOf2, `host 2's node in etcd (${h2.daemonShortId})`);

      // The poison, straight into etcd: a script for a MAC, an address outside the subnet (with its claim), bad slices.
      const evil = (digit: string) => digit.repeat(64);
      const endpoint = (id: string, fields: Record<string, unknown>) => ({ id, networkId: vxId, nodeId: nodeOf2, containerId: id, name: 'evil', hostname: 'evil', aliases: [], ipv6Address: '', ...fields });
      await etcdPut(cluster, `endpoints/${vxId}/${evil('a')}`, endpoint(evil('a'), { macAddress: '02:42:0a:4e:00:61\nnetns add conet-t-poisoned', ipv4Address: '10.78.0.97/24' }));
      await etcdPut(cluster, `ipam/${vxId}/10.78.0.97`, evil('a'));
      await etcdPut(cluster, `endpoints/${vxId}/${evil('b')}`, endpoint(evil('b'), { macAddress: '02:42:c0:00:02:63', ipv4Address: '192.0.2.99/24' }));
      await etcdPut(cluster, `ipam/${vxId}/192.0.2.99`, evil('b'));
      await etcdPut(cluster, `nodes/${evil('c')}`, { id: evil('c'), name: 'evil', address: cluster.addressOf(7), since: '' });
      await etcdPut(cluster, `slices/${gwId}/${evil('c')}`, '10.200.0.0/24');
      await etcdPut(cluster, `sliceclaims/${gwId}/10.200.0.0_24`, evil('c'));
      await etcdPut(cluster, `nodes/${evil('d')}`, { id: evil('d'), name: 'evil', address: cluster.addressOf(8), since: '' });
      await etcdPut(cluster, `slices/${gwId}/${evil('d')}`, '10.79.9.0/24\nblackhole default');

      // After the poison: containers on the third host are still programmed everywhere.
      const p3 = await started(h3, 'p3', 'ovp');
      await started(h3, 'g3', 'ovg');
      for (const [host, others] of [[h1, [p2, p3]], [h2, [p3]]] as const) {
        await eventually(`${host.name} programs the good peers`, async () => {
          const state = await kernelState(host, device);
          return others.every((peer) => state.includes(peer.mac) && state.includes(peer.address));
        });
      }
      await eventually('h1 routes the slices of h2 and h3', async () => {
        const routes = (await run(['ip', '-n', h1.netns, 'route'])).stdout;
        return routes.includes(`via ${cluster.addressOf(1)}`) && routes.includes(`via ${cluster.addressOf(2)}`);
      });
      for (const host of cluster.hosts) {
        const state = await kernelState(host, device);
        for (const bad of ['02:42:0a:4e:00:61', '10.78.0.97', '02:42:c0:00:02:63', '192.0.2.99', '10.200.0.0', '10.79.9.0', cluster.addressOf(7), cluster.addressOf(8)]) {
          assert.ok(!state.includes(bad), `${host.name}: ${bad} never reaches the kernel:\n${state}`);
        }
        assert.match(await host.log(), /cluster store: skipped a bad record/);
      }
      assert.ok(!(await run(['ip', 'netns', 'list'])).stdout.includes('conet-t-poisoned'));
    });
  });
});
