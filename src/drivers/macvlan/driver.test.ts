import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeKernel } from '../../kernel/fake/fake-kernel.js';
import type { Endpoint, Network } from '../../model/network.js';
import { MacvlanDriver } from './driver.js';

function network(id: string, options: Record<string, string>, internal = false): Network {
  return {
    id: id.padEnd(64, '0'), name: `mv-${id}`, driver: 'macvlan', scope: 'local', created: '', enableIPv6: false, internal, attachable: false,
    ingress: false, configOnly: false, configFrom: '', ipam: { driver: 'default', options: {}, configs: [{ subnet: '10.201.0.0/24', gateway: '10.201.0.2' }] },
    options, labels: {}, predefined: false,
  };
}

function setup(): { kernel: FakeKernel; driver: MacvlanDriver } {
  const kernel = new FakeKernel();
  kernel.addLink('ext0');
  return { kernel, driver: new MacvlanDriver({ links: kernel.links, macvlan: kernel.macvlan }) };
}

test('an existing parent is used as it is, and left alone on removal', async () => {
  const { kernel, driver } = setup();
  const mv = network('aa', { parent: 'ext0' });
  driver.validate(mv, []);
  await driver.createNetwork(mv);
  await driver.deleteNetwork(mv);
  assert.ok(kernel.linkMap.has('ext0'));
});

test('a missing parent is a clear 400; a parent in use by another macvlan network is a 403', async () => {
  const { driver } = setup();
  await assert.rejects(driver.createNetwork(network('aa', { parent: 'nosuch0' })), (error: Error & { kind?: string }) => error.kind === 'invalid' && /parent interface was not found on the host: nosuch0/.test(error.message));
  assert.throws(() => driver.validate(network('bb', { parent: 'ext0' }), [network('aa', { parent: 'ext0' })]), /network dm-aa0000000000 is already using parent interface ext0/);
  driver.validate(network('bb', { parent: 'ext1' }), [network('aa', { parent: 'ext0' })]);
});

test('IFACE.VLAN is created, marked, removed with the network, and restored after a restart', async () => {
  const { kernel, driver } = setup();
  const mv = network('aa', { parent: 'ext0.10' });
  await driver.createNetwork(mv);
  assert.equal(kernel.linkMap.get('ext0.10')?.alias, `conet-macvlan:${mv.id}`);
  kernel.linkMap.delete('ext0.10');
  await driver.restore([mv]);
  assert.ok(kernel.linkMap.has('ext0.10'));
  await driver.restore([]);
  assert.ok(!kernel.linkMap.has('ext0.10'), 'a stray of ours is removed');
  await driver.createNetwork(mv);
  await driver.deleteNetwork(mv);
  assert.ok(!kernel.linkMap.has('ext0.10'));
});

test('without vlan support the error is clear and nothing is left', async () => {
  const { kernel, driver } = setup();
  kernel.unsupportedKinds.add('vlan');
  await assert.rejects(driver.createNetwork(network('aa', { parent: 'ext0.10' })), /failed to create ext0.10 vlan link: operation not supported/);
  assert.deepEqual([...kernel.linkMap.keys()], ['lo', 'ext0'], 'the host namespace has its loopback and the parent only');
});

test('join plugs a macvlan with the endpoint MAC and the gateway route; internal networks get no route', async () => {
  const { kernel, driver } = setup();
  const mv = network('aa', { parent: 'ext0', macvlan_mode: 'private' });
  const endpoint = { sandbox: 'sb1', ifname: 'eth0', macAddress: '02:42:0a:c9:00:80', ipv4Address: '10.201.0.128/24', ipv6Address: '', gateway4: '10.201.0.2', gateway6: '' } as Endpoint;
  await driver.join(mv, endpoint, { createSandbox: true });
  assert.deepEqual(kernel.macvlanMap.get('sb1')?.get('eth0'), {
    parent: 'ext0', mode: 'private', sandbox: 'sb1', createSandbox: true, ifname: 'eth0', mac: '02:42:0a:c9:00:80', addresses: ['10.201.0.128/24'], gateway4: '10.201.0.2',
  });
  await driver.leave(mv, endpoint);
  assert.equal(kernel.macvlanMap.get('sb1')?.size, 0);
  kernel.addLink('dm-bb0000000000', 'dummy');
  await driver.join(network('bb', {}, true), { ...endpoint, sandbox: 'sb1' }, { createSandbox: false });
  assert.equal(kernel.macvlanMap.get('sb1')?.get('eth0')?.gateway4, undefined);
});
