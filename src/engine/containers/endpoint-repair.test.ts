/** Start-up repair of veths on the fake kernel: a stray veth on our bridge goes, a missing one comes back as it was. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeContainerCreate } from '../../api/decode/container-create.js';
import { parseInterfaceAddress, parseInterfaceName, parseMac, parseNetnsName } from '../../util/kernel-values.js';
import { networkRequest } from '../networks/network-request.test-support.js';
import { ContainerNetworking } from './container-networks.js';
import { containerFixture } from './container-service.test-support.js';
import { repairEndpoints } from './endpoint-repair.js';

test('a veth no endpoint names is deleted, a missing one plugged again; foreign veths stay', async () => {
  const f = await containerFixture();
  try {
    await f.networks.create(networkRequest('app'));
    const { id } = await f.service.create(decodeContainerCreate({ Image: 'busybox', Cmd: ['sleep', '60'] }), 'c1');
    await f.service.start(id);
    await new ContainerNetworking({ containers: f.service, networks: f.networks, endpoints: f.endpoints }).connect('app', 'c1');
    const app = f.networks.inspect('app');
    const bridge = f.kernel.linkMap.get(`br-${app.id.slice(0, 12)}`)?.name ?? '';
    assert.notEqual(bridge, '');
    const [endpoint] = f.endpoints.endpointsOf(app.id);
    assert.ok(endpoint);
    // A crash mid-disconnect: the veth is gone, the endpoint still stored.
    await f.kernel.sandboxes.unplugVeth(endpoint.hostIfname);
    // A crash mid-connect: a veth on our bridge that no endpoint names.
    const sandbox = f.service.get('c1').sandbox;
    await f.kernel.sandboxes.plugVeth({ hostName: parseInterfaceName('vethstray1'), bridge: parseInterfaceName(bridge), sandbox: parseNetnsName(sandbox), ifname: parseInterfaceName('eth9'), mac: parseMac('02:42:0a:00:00:09'), mtu: 1500, addresses: [parseInterfaceAddress('10.9.9.9/24')] });
    // Someone else's veth, on no bridge of ours.
    f.kernel.addLink('vethforeign');
    const interfaceOf = (networkId: string) => {
      const network = f.networks.inspect(networkId);
      return network.options['com.docker.network.bridge.name'] ?? `br-${network.id.slice(0, 12)}`;
    };
    const report = await repairEndpoints({ networks: f.networks, endpoints: f.endpoints, links: f.kernel.links, interfaceOf });
    assert.deepEqual(report, { strayVeths: 1, replugged: 1 });
    assert.equal(f.kernel.linkMap.has('vethstray1'), false);
    assert.equal(f.kernel.linkMap.has('vethforeign'), true);
    assert.equal(f.kernel.linkMap.get(endpoint.hostIfname)?.master, bridge);
    const inside = f.kernel.sandboxMap.get(sandbox)?.get(endpoint.hostIfname);
    assert.deepEqual([inside?.ifname, inside?.mac, inside?.addresses], [endpoint.ifname, endpoint.macAddress, [endpoint.ipv4Address]]);
  } finally {
    await f.done();
  }
});

test('container directories without a record are found; records and other names are not', async () => {
  const f = await containerFixture();
  try {
    const { id } = await f.service.create(decodeContainerCreate({ Image: 'busybox', Cmd: ['sleep', '60'] }), 'c1');
    const { mkdir } = await import('node:fs/promises');
    const stray = 'ab'.repeat(32);
    await mkdir(`${f.directory}/${stray}`);
    await mkdir(`${f.directory}/not-a-container`);
    assert.deepEqual(await f.service.strayDirectories(), [stray]);
    assert.equal(f.service.get(id).name, 'c1');
  } finally {
    await f.done();
  }
});
