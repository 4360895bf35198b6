import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FirewallNetwork } from '../../firewall/intent.js';
import { FakeKernel } from '../../kernel/fake/fake-kernel.js';
import type { Endpoint, Network } from '../../model/network.js';
import type { BridgeFirewall } from '../common/bridge-networks.js';
import { BRIDGE_NAME, DRIVER_MTU, ENABLE_ICC } from '../common/bridge-options.js';
import { BridgeDriver } from './driver.js';

function network(id: string, options: Record<string, string>): Network {
  return {
    id: id.padEnd(64, '0'), name: `br-${id}`, driver: 'bridge', scope: 'local', created: '', enableIPv6: false, internal: false, attachable: false,
    ingress: false, configOnly: false, configFrom: '', ipam: { driver: 'default', options: {}, configs: [{ subnet: '10.202.0.0/24', gateway: '10.202.0.1' }] },
    options, labels: {}, predefined: false,
  };
}

function endpoint(networkId: string): Endpoint {
  return {
    id: 'e1', networkId, containerId: 'c1', name: 'c1', macAddress: '02:42:0a:ca:00:02', ipv4Address: '10.202.0.2/24', ipv6Address: '',
    gateway4: '10.202.0.1', gateway6: '', sandbox: 'sb1', ifname: 'eth0', hostIfname: 'veth1', aliases: [], requestedIpv4: '', requestedIpv6: '',
  };
}

function setup(): { kernel: FakeKernel; firewall: FirewallNetwork[]; driver: BridgeDriver } {
  const kernel = new FakeKernel();
  const firewall: FirewallNetwork[] = [];
  const recording: BridgeFirewall = {
    addNetwork: async (intent) => void firewall.push(intent),
    removeNetwork: async () => undefined,
    rebuild: async (intents) => void firewall.push(...intents),
  };
  return { kernel, firewall, driver: new BridgeDriver({ kernel, firewall: recording, defaultMtu: 1500 }) };
}

test('bad options are a 400 at validate, before any kernel work', () => {
  const { kernel, driver } = setup();
  const before = [...kernel.linkMap.keys()];
  const bad = network('aa', { [DRIVER_MTU]: '$(reboot)' });
  assert.throws(() => driver.validate(bad, []), (error: Error & { kind?: string; code?: string }) => error.kind === 'invalid' && error.code === 'bridge-option' && /mtu/.test(error.message));
  assert.deepEqual([...kernel.linkMap.keys()], before);
});

test('the options decoded at create drive the device, the firewall share and joins', async () => {
  const { kernel, firewall, driver } = setup();
  const net = network('aa', { [BRIDGE_NAME]: 'conet5', [DRIVER_MTU]: '1400', [ENABLE_ICC]: 'false' });
  driver.validate(net, []);
  await driver.createNetwork(net);
  assert.equal(kernel.linkMap.get('conet5')?.mtu, 1400);
  assert.deepEqual(firewall.map((intent) => [intent.bridge, intent.icc]), [['conet5', false]]);
  await driver.join(net, endpoint(net.id), { createSandbox: true });
  const veth = kernel.sandboxMap.get('sb1')?.get('veth1');
  assert.deepEqual([veth?.bridge, veth?.mtu, veth?.isolated], ['conet5', 1400, true]);
  assert.deepEqual(driver.ownedInterfaces([net]), ['conet5']);
});

test('a bridge name in use by another network is refused', () => {
  const { driver } = setup();
  const existing = network('aa', { [BRIDGE_NAME]: 'conet5' });
  driver.validate(existing, []);
  assert.throws(() => driver.validate(network('bb', { [BRIDGE_NAME]: 'conet5' }), [existing]), /bridge name conet5 is already used by network br-aa/);
  driver.validate(network('bb', {}), [existing]);
});

test('options replaced on a network (start-up updating a predefined one) are decoded again', async () => {
  const { kernel, driver } = setup();
  const net = network('aa', { [BRIDGE_NAME]: 'conet5' });
  driver.validate(net, []);
  assert.deepEqual(driver.ownedInterfaces([net]), ['conet5']);
  net.options = { [BRIDGE_NAME]: 'conet6', [DRIVER_MTU]: '1300' };
  await driver.restore([net]);
  assert.deepEqual(driver.ownedInterfaces([net]), ['conet6']);
  assert.equal(kernel.linkMap.get('conet6')?.mtu, 1300);
});

test('forgetEndpoint flushes the tracked flows of the endpoint\'s addresses through the firewall', async () => {
  const { driver } = setup();
  const forgotten: string[][] = [];
  const withForget = new BridgeDriver({
    kernel: new FakeKernel(), defaultMtu: 1500,
    firewall: { addNetwork: async () => undefined, removeNetwork: async () => undefined, rebuild: async () => undefined, forgetAddresses: async (addresses) => void forgotten.push([...addresses]) },
  });
  await withForget.forgetEndpoint(network('f1', {}), endpoint('f1'));
  assert.deepEqual(forgotten, [['10.202.0.2/24', '']]);
  await driver.forgetEndpoint(network('f1', {}), endpoint('f1')); // a firewall without it: nothing to do
});
