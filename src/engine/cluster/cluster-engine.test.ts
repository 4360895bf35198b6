/**
 * Cluster mode on fakes: two or three "nodes", each its own engine (NetworkService,
 * EndpointService, overlay driver) on a fake kernel and a fake overlay port, sharing one memory
 * cluster backend. What is checked is the engine's and the driver's own behaviour: claims across
 * nodes, kernel entries following the store, removal rules, outages and dead nodes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bridgeNameOf, vxlanNameOf } from '../../drivers/overlay/driver.js';
import { isEngineError } from '../../errors/index.js';
import { makeNode, nodes, request, until, type Node } from './cluster.test-support.js';

async function rejectsWith(promise: Promise<unknown>, kind: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isEngineError(error), String(error));
    assert.equal(error.kind, kind);
    assert.match(error.message, message);
    return true;
  });
}

describe('cluster mode on fakes', () => {
  it('a network created on one node is global on every node, with Docker\'s first VNIs', async () => {
    const { all: [a, b] } = await nodes(2);
    const { id } = await a!.networks.create(request('ov'));
    await a!.networks.create(request('ov2'));
    const seen = b!.networks.inspect('ov');
    assert.equal(seen.id, id);
    assert.equal(seen.scope, 'global');
    assert.equal(seen.ipam.configs[0]?.subnet, '10.0.0.0/24');
    assert.equal(seen.options['com.docker.network.driver.overlay.vxlanid_list'], '4096');
    assert.equal(b!.networks.inspect('ov2').options['com.docker.network.driver.overlay.vxlanid_list'], '4097');
    assert.equal(b!.networks.inspect('ov2').ipam.configs[0]?.subnet, '10.0.1.0/24');
    // Lazy: no kernel objects until a container joins on the node.
    assert.equal(a!.kernel.linkMap.has(bridgeNameOf({ id })), false);
    await rejectsWith(b!.networks.create(request('ov')), 'conflict', /network with name ov already exists/);
  });

  it('addresses are unique across nodes connecting at once; each node\'s VXLAN knows the others\' endpoints', async () => {
    const { all } = await nodes(3);
    const [a, b, c] = all as [Node, Node, Node];
    const { id } = await a.networks.create(request('ov'));
    const addresses = await Promise.all(all.flatMap((node, index) => Array.from({ length: 8 }, (_, n) => node.connect('ov', `c${index}x${n}`))));
    assert.equal(new Set(addresses).size, 24, addresses.join(' '));
    for (const node of all) {
      await until(`${node.name} has 16 peers`, () => node.overlay.peers(vxlanNameOf({ id })).length === 16);
      const vteps = new Set(node.overlay.peers(vxlanNameOf({ id })).map((peer) => peer.vtep));
      assert.equal(vteps.has(node.address), false, 'no entry points at the node itself');
      assert.equal(vteps.size, 2);
      assert.equal(node.overlay.device(vxlanNameOf({ id }))?.spec.mtu, 1450);
    }
    assert.equal(b.endpoints.allEndpointsOf(id).filter((endpoint) => endpoint.remoteNode).length, 16);
    assert.equal(c.endpoints.allEndpointsOf(id).find((endpoint) => endpoint.name === 'c0x0')?.hostname, 'c0x0-host');
  });

  it('rm is refused while another node has endpoints, then removes every node\'s objects', async () => {
    const { all: [a, b] } = await nodes(2);
    const { id } = await a!.networks.create(request('ov'));
    await a!.connect('ov', 'web');
    await b!.connect('ov', 'cli');
    await a!.endpoints.disconnect('ov', `web${'0'.repeat(61)}`);
    // Its last container gone, node a drops the network's objects; node b keeps them.
    await until('a removed its bridge and vxlan', () => !a!.kernel.linkMap.has(bridgeNameOf({ id })) && !a!.overlay.device(vxlanNameOf({ id })));
    assert.ok(b!.overlay.device(vxlanNameOf({ id })));
    await rejectsWith(a!.networks.remove('ov'), 'forbidden', new RegExp(`error while removing network: network ov id ${id} has active endpoints`));
    await b!.endpoints.disconnect('ov', `cli${'0'.repeat(61)}`);
    await a!.networks.remove('ov');
    await until('b removed its bridge and vxlan', () => !b!.kernel.linkMap.has(bridgeNameOf({ id })) && !b!.overlay.device(vxlanNameOf({ id })));
    assert.throws(() => b!.networks.inspect('ov'), /not found/);
    // Name, subnet and VNI are free again.
    const again = await b!.networks.create(request('ov'));
    assert.equal(b!.networks.inspect(again.id).ipam.configs[0]?.subnet, '10.0.0.0/24');
  });

  it('a dead node\'s entries go when its lease expires and come back when it registers again', async () => {
    const { backend, all: [a, b] } = await nodes(2);
    const { id } = await a!.networks.create(request('ov'));
    await a!.connect('ov', 'one');
    await b!.connect('ov', 'two');
    await until('a knows two', () => a!.overlay.peers(vxlanNameOf({ id })).length === 1);
    await b!.store.close();
    backend.expireLeases(b!.store);
    await until('a forgot node b', () => a!.overlay.peers(vxlanNameOf({ id })).length === 0);
    // b's endpoint (and its address) stays claimed meanwhile.
    assert.equal(a!.endpoints.allEndpointsOf(id).length, 2);
    const third = await a!.connect('ov', 'three');
    assert.notEqual(third, b!.endpoints.endpointsOf(id)[0]?.ipv4Address);
    const back = await makeNode(backend, 1);
    assert.equal(back.cluster.selfId, b!.cluster.selfId);
    await until('a knows two again', () => a!.overlay.peers(vxlanNameOf({ id })).length === 1);
  });

  it('with the store away: writes answer 503, a container can still leave, and its claim is released later', async () => {
    const { backend, all: [a, b] } = await nodes(2);
    const { id } = await a!.networks.create(request('ov'));
    const address = await a!.connect('ov', 'one');
    backend.setAvailable(false);
    await rejectsWith(a!.networks.create(request('ov3')), 'unavailable', /cluster store is unavailable/);
    await rejectsWith(a!.connect('ov', 'two'), 'unavailable', /unavailable/);
    await a!.endpoints.disconnect('ov', `one${'0'.repeat(61)}`);
    assert.equal(a!.endpoints.endpointsOf(id).length, 0);
    backend.setAvailable(true);
    await until('b still sees the stale claim', () => b!.endpoints.allEndpointsOf(id).length === 1);
    assert.equal(await a!.cluster.collect((endpointId) => a!.endpoints.hasEndpoint(endpointId)), 1);
    await until('b sees it gone', () => b!.endpoints.allEndpointsOf(id).length === 0);
    assert.equal(await b!.connect('ov', 'again'), address);
  });

  it('host-gw: a slice per node, routes to the other nodes\' slices, no VXLAN', async () => {
    const { all: [a, b] } = await nodes(2);
    const { id } = await a!.networks.create(request('ovr', { mode: 'host-gw' }, '10.123.0.0/16'));
    const one = await a!.connect('ovr', 'one');
    const two = await b!.connect('ovr', 'two');
    assert.match(one, /^10\.123\.0\.2\/24$/);
    assert.match(two, /^10\.123\.1\.2\/24$/);
    await until('routes both ways', () => a!.overlay.routes().length === 1 && b!.overlay.routes().length === 1);
    assert.deepEqual(a!.overlay.routes(), [{ destination: '10.123.1.0/24', via: b!.address }]);
    assert.deepEqual(b!.overlay.routes(), [{ destination: '10.123.0.0/24', via: a!.address }]);
    assert.equal(a!.overlay.device(vxlanNameOf({ id })), undefined);
    assert.equal(b!.kernel.linkMap.get(bridgeNameOf({ id }))?.addresses.join(), '10.123.1.1/24');
  });
});
