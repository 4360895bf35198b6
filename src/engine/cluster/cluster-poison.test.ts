/**
 * Issue 10, item 7: values read from the cluster store are untrusted. Poisoned records of every
 * kind are written straight into the shared memory store (as anyone with write access to etcd
 * could); the good peers are still programmed, the bad ones never reach the (fake) kernel, each
 * is logged with its key, and nodes keep syncing what changes after.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryClusterStore, type MemoryClusterBackend } from '../../cluster/memory-cluster-store.js';
import { keys } from '../../cluster/keys.js';
import { vxlanNameOf } from '../../drivers/overlay/driver.js';
import { createLogger } from '../../util/logger.js';
import { nodes, request, until } from './cluster.test-support.js';

const hex = (digit: string): string => digit.repeat(64);

function capture(): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  return { lines, logger: createLogger('warn', (line) => lines.push(line)) };
}

async function intruder(backend: MemoryClusterBackend): Promise<(key: string, value: unknown) => Promise<void>> {
  const store = new MemoryClusterStore(backend, 'intruder');
  await store.open();
  return async (key, value) => {
    assert.ok(await store.txn([], [{ op: 'put', key, value }]));
  };
}

function endpoint(networkId: string, id: string, fields: Record<string, unknown>): Record<string, unknown> {
  return { id, networkId, nodeId: hex('2'), containerId: id, name: 'evil', hostname: 'evil', aliases: [], macAddress: '02:42:0a:00:00:63', ipv4Address: '10.0.0.99/24', ipv6Address: '', ...fields };
}

describe('poisoned cluster records', () => {
  it('vxlan: bad endpoints, nodes and networks are skipped and logged; good peers keep syncing', async () => {
    const { lines, logger } = capture();
    const { backend, all } = await nodes(3, logger);
    const [a, b, c] = all as [(typeof all)[0], (typeof all)[0], (typeof all)[0]];
    const { id } = await a.networks.create(request('ov'));
    await a.connect('ov', 'one');
    await b.connect('ov', 'two');
    const put = await intruder(backend);
    const bad = {
      newlineMac: hex('a'),
      outside: hex('b'),
      unclaimed: hex('c'),
      multicast: hex('d'),
      badNode: hex('e'),
      idMismatch: hex('f'),
    };
    await put(keys.endpoint(id, bad.newlineMac), endpoint(id, bad.newlineMac, { macAddress: '02:42:0a:00:00:61\nnetns add x', ipv4Address: '10.0.0.97/24' }));
    await put(keys.address(id, '10.0.0.97'), bad.newlineMac);
    await put(keys.endpoint(id, bad.outside), endpoint(id, bad.outside, { ipv4Address: '192.0.2.1/24', macAddress: '02:42:c0:00:02:01' }));
    await put(keys.address(id, '192.0.2.1'), bad.outside);
    await put(keys.endpoint(id, bad.unclaimed), endpoint(id, bad.unclaimed, { ipv4Address: '10.0.0.98/24', macAddress: '02:42:0a:00:00:62' }));
    await put(keys.endpoint(id, bad.multicast), endpoint(id, bad.multicast, { ipv4Address: '10.0.0.96/24', macAddress: '01:00:5e:00:00:01' }));
    await put(keys.address(id, '10.0.0.96'), bad.multicast);
    // A node whose address is a script, and an endpoint behind it.
    await put(keys.node(hex('9')), { id: hex('9'), name: 'evil', address: '10.99.0.50\nroute add default', since: '' });
    await put(keys.endpoint(id, bad.badNode), endpoint(id, bad.badNode, { nodeId: hex('9'), ipv4Address: '10.0.0.95/24', macAddress: '02:42:0a:00:00:5f' }));
    await put(keys.address(id, '10.0.0.95'), bad.badNode);
    await put(keys.endpoint(id, bad.idMismatch), endpoint(id, hex('0'), { ipv4Address: '10.0.0.94/24', macAddress: '02:42:0a:00:00:5e' }));
    await put(keys.address(id, '10.0.0.94'), bad.idMismatch);
    // A second network whose VNI is out of range, and one whose subnet is a script.
    const network = a.cluster.network(id);
    await put(keys.network(hex('7')), { ...network, id: hex('7'), name: 'evilvni', options: { 'com.docker.network.driver.overlay.vxlanid_list': '99999999' } });
    await put(keys.network(hex('8')), { ...network, id: hex('8'), name: 'evilnet', ipam: { driver: 'default', options: {}, configs: [{ subnet: '10.5.0.0/16\nflush' }] } });
    // After the poison, the nodes still follow real changes.
    await c.connect('ov', 'three');
    for (const node of all) {
      await until(`${node.name} has its 2 good peers`, () => node.overlay.peers(vxlanNameOf({ id })).length === 2);
      const peers = node.overlay.peers(vxlanNameOf({ id }));
      assert.ok(peers.every((peer) => /^02:42:0a:00:00:0[2-4]$/.test(peer.mac)), JSON.stringify(peers));
      assert.ok(peers.every((peer) => ['10.99.0.11', '10.99.0.12', '10.99.0.13'].includes(peer.vtep)));
    }
    assert.deepEqual(a.cluster.networks().map((item) => item.name), ['ov']);
    assert.throws(() => b.networks.inspect('evilvni'), /not found/);
    // Inspect and DNS see the good endpoints, and the valid one behind the bad node (as one behind a dead node).
    const seen = new Set(c.endpoints.allEndpointsOf(id).map((item) => item.id));
    assert.equal(seen.size, 4);
    assert.deepEqual(Object.values(bad).filter((endpointId) => seen.has(endpointId)), [bad.badNode]);
    const warned = lines.map((line) => JSON.parse(line) as { msg: string; key?: string }).filter((line) => line.msg === 'cluster store: skipped a bad record');
    for (const key of [...Object.values(bad).filter((endpointId) => endpointId !== bad.badNode).map((endpointId) => keys.endpoint(id, endpointId)), keys.node(hex('9')), keys.network(hex('7')), keys.network(hex('8'))]) {
      assert.ok(warned.some((line) => line.key === key), `a warning names ${key}`);
    }
  });

  it('host-gw: a slice outside the subnet, unclaimed, overlapping or not a CIDR never becomes a route', async () => {
    const { lines, logger } = capture();
    const { backend, all } = await nodes(3, logger);
    const [a, b, c] = all as [(typeof all)[0], (typeof all)[0], (typeof all)[0]];
    const { id } = await a.networks.create(request('ovr', { mode: 'host-gw' }, '10.123.0.0/16'));
    await a.connect('ovr', 'one');
    await b.connect('ovr', 'two');
    const put = await intruder(backend);
    for (const [digit, address] of [['5', '10.99.0.51'], ['6', '10.99.0.52'], ['7', '10.99.0.53'], ['8', '10.99.0.54']] as const) {
      await put(keys.node(hex(digit)), { id: hex(digit), name: `evil${digit}`, address, since: '' });
    }
    await put(keys.slice(id, hex('5')), '10.200.0.0/24');
    await put(keys.sliceClaim(id, '10.200.0.0/24'), hex('5'));
    // b's slice again (10.123.1.0/24), claimed by b: the intruder's copy is not its node's claim.
    await put(keys.slice(id, hex('6')), '10.123.1.0/24');
    await put(keys.slice(id, hex('7')), '10.123.9.0/24\nblackhole 0.0.0.0/0');
    // A bigger block over a's slice, "claimed" as its own.
    await put(keys.slice(id, hex('8')), '10.123.0.0/20');
    await put(keys.sliceClaim(id, '10.123.0.0/20'), hex('8'));
    await c.connect('ovr', 'three');
    const slices = (node: typeof a) => [a, b, c].filter((other) => other !== node).map((other) => ({ destination: other.cluster.slices(id).find((slice) => slice.nodeId === other.cluster.selfId)?.cidr, via: other.address }));
    for (const node of all) {
      await until(`${node.name} routes the 2 good slices`, () => node.overlay.routes().length === 2);
      assert.deepEqual(
        node.overlay.routes().sort((x, y) => x.destination.localeCompare(y.destination)),
        slices(node).sort((x, y) => String(x.destination).localeCompare(String(y.destination))),
      );
    }
    const warned = new Set(lines.map((line) => (JSON.parse(line) as { key?: string }).key));
    for (const digit of ['5', '6', '7', '8']) assert.ok(warned.has(keys.slice(id, hex(digit))), `a warning names slice ${digit}`);
  });
});
