/** --gw-priority and the ifname option on the fake kernel: the sandbox's default route follows connects and disconnects. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeContainerCreate } from '../../api/decode/container-create.js';
import { networkRequest } from '../networks/network-request.test-support.js';
import { ContainerNetworking } from './container-networks.js';
import { containerFixture } from './container-service.test-support.js';

test('the default route goes via the highest priority, and back via the next network when it leaves', async () => {
  const f = await containerFixture();
  try {
    await f.networks.create(networkRequest('a', { subnets: [{ subnet: '10.61.0.0/24' }] }));
    await f.networks.create(networkRequest('b', { subnets: [{ subnet: '10.62.0.0/24' }] }));
    await f.networks.create(networkRequest('c', { subnets: [{ subnet: '10.63.0.0/24' }] }));
    const { id } = await f.service.create(decodeContainerCreate({ Image: 'busybox', Cmd: ['sleep', '60'], HostConfig: { NetworkMode: 'a' } }), 'c1');
    await f.service.start(id);
    const networking = new ContainerNetworking({ containers: f.service, networks: f.networks, endpoints: f.endpoints, sandboxes: f.kernel.sandboxes });
    const sandbox = f.service.get('c1').sandbox;
    const defaults = async () => (await f.kernel.links.listRoutes({ netns: f.kernel.sandboxes.path(sandbox) })).filter((route) => route.destination === 'default').map((route) => `${route.gateway} ${route.device}`);
    assert.deepEqual(await defaults(), ['10.61.0.1 eth0']);

    await networking.connect('b', 'c1', { gwPriority: 10, driverOpts: { 'com.docker.network.endpoint.ifname': 'uplink0' } });
    assert.deepEqual(await defaults(), ['10.62.0.1 uplink0']);
    await networking.connect('c', 'c1', { gwPriority: -1 });
    assert.deepEqual(await defaults(), ['10.62.0.1 uplink0'], 'a lower priority does not take the route');
    await networking.disconnect('b', 'c1');
    assert.deepEqual(await defaults(), ['10.61.0.1 eth0'], 'priority 0 beats -1');
    assert.deepEqual(f.endpoints.endpointsOfContainer(id).map((endpoint) => endpoint.ifname).sort(), ['eth0', 'eth1']);
  } finally {
    await f.done();
  }
});

test('an IPv6-only network: no IPv4 address or route, a v6 default route', async () => {
  const f = await containerFixture();
  try {
    await f.networks.create(networkRequest('six', { enableIPv4: false, enableIPv6: true, subnets: [{ subnet: 'fd00:61::/64' }] }));
    assert.deepEqual(f.networks.inspect('six').ipam.configs.map((config) => config.subnet), ['fd00:61::/64']);
    const { id } = await f.service.create(decodeContainerCreate({ Image: 'busybox', Cmd: ['sleep', '60'], HostConfig: { NetworkMode: 'six' } }), 'c6');
    await f.service.start(id);
    const [endpoint] = f.endpoints.endpointsOfContainer(id);
    assert.equal(endpoint?.ipv4Address, '');
    assert.equal(endpoint?.ipv6Address, 'fd00:61::2/64');
    assert.match(endpoint?.macAddress ?? '', /^02:42(:[0-9a-f]{2}){4}$/);
    await assert.rejects(f.networks.create(networkRequest('neither', { enableIPv4: false })), { message: 'IPv4 or IPv6 must be enabled' });
    await assert.rejects(f.networks.create(networkRequest('mixed', { enableIPv4: false, enableIPv6: true, subnets: [{ subnet: '10.64.0.0/24' }] })), { kind: 'invalid' });
  } finally {
    await f.done();
  }
});
