import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isEngineError } from '../../errors/index.js';
import { FakeKernel } from './fake-kernel.js';
import { FakeOverlay } from './fake-overlay.js';
import { parseInterfaceAddress, parseInterfaceName } from '../../util/kernel-values.js';

const spec = { name: 'vx-abc', vni: 4242, local: '10.98.0.1', port: 4789, mtu: 1450, master: 'br-ov', alias: 'conet-ov:abc' };
const peer = { mac: '02:42:0A:00:09:03', address: '10.0.9.3', vtep: '10.98.0.2' };

test('devices, peers and routes are kept as asked; a changed identity recreates the device without its peers', async () => {
  const overlay = new FakeOverlay();
  await overlay.ensureVxlan(spec);
  await overlay.ensureVxlan(spec);
  assert.equal(overlay.device('vx-abc')?.created, 1, 'idempotent');
  await overlay.setPeers('vx-abc', [peer]);
  assert.deepEqual(overlay.peers('vx-abc'), [{ ...peer, mac: '02:42:0a:00:09:03' }]);
  await overlay.ensureVxlan({ ...spec, mtu: 1400 });
  assert.equal(overlay.peers('vx-abc').length, 1, 'mtu is not identity');
  await overlay.ensureVxlan({ ...spec, vni: 7 });
  assert.equal(overlay.device('vx-abc')?.created, 2);
  assert.deepEqual(overlay.peers('vx-abc'), []);
  await overlay.setPeerRoutes([{ destination: '10.0.3.0/26', via: '10.98.0.2' }]);
  assert.deepEqual(overlay.routes(), [{ destination: '10.0.3.0/26', via: '10.98.0.2' }]);
  assert.deepEqual(overlay.routes({ netns: '/run/netns/x' }), [], 'per namespace');
  await overlay.setPeerRoutes([]);
  assert.deepEqual(overlay.routes(), []);
  assert.deepEqual(overlay.calls.slice(0, 3), ['ensureVxlan vx-abc', 'ensureVxlan vx-abc', 'setPeers vx-abc 1']);
});

test('the same checks as the real adapter, and injected failures', async () => {
  const overlay = new FakeOverlay();
  await assert.rejects(overlay.setPeers('vx-abc', []), (error) => isEngineError(error) && error.code === 'overlay-device-missing');
  await assert.rejects(overlay.ensureVxlan({ ...spec, vni: 0 }), /invalid VXLAN id/);
  await assert.rejects(overlay.ensureVxlan({ ...spec, name: 'vx-much-too-long-name' }), /invalid device name/);
  await overlay.ensureVxlan(spec);
  await assert.rejects(overlay.ensureVxlan({ ...spec, name: 'vx-other' }), /VNI already exists/);
  await assert.rejects(overlay.setPeers('vx-abc', [peer, { ...peer, vtep: '10.98.0.9' }]), /two VTEPs/);
  overlay.failNext('setPeers');
  await assert.rejects(overlay.setPeers('vx-abc', [peer]), /injected failure in setPeers/);
  await overlay.setPeers('vx-abc', [peer]);
  await assert.rejects(overlay.underlayOf('10.98.0.1'), (error) => isEngineError(error) && error.code === 'overlay-underlay-missing');
  overlay.addUnderlay('10.98.0.1', 'eth0', 9000);
  assert.deepEqual(await overlay.underlayOf('10.98.0.1'), { device: 'eth0', mtu: 9000 });
});

test('with a FakeKernel the device is a link: it needs its bridge, shows in listLinks and dies with deleteLink', async () => {
  const kernel = new FakeKernel();
  const overlay = new FakeOverlay(kernel);
  await assert.rejects(overlay.ensureVxlan(spec), /no bridge br-ov/);
  await kernel.links.ensureBridge({ name: parseInterfaceName('br-ov'), addresses: [parseInterfaceAddress('10.0.9.1/24')], mtu: 1450, alias: 'conet-ov:abc' });
  await overlay.ensureVxlan(spec);
  const link = (await kernel.links.listLinks()).find((one) => one.name === 'vx-abc');
  assert.deepEqual([link?.kind, link?.master, link?.alias, link?.mtu], ['vxlan', 'br-ov', 'conet-ov:abc', 1450]);
  await overlay.setPeers('vx-abc', [peer]);
  await kernel.links.deleteLink('vx-abc');
  assert.equal(overlay.device('vx-abc'), undefined);
  await assert.rejects(overlay.setPeers('vx-abc', [peer]), /does not exist/);
  kernel.addLink('eth0');
  kernel.linkMap.get('eth0')?.addresses.push('10.98.0.1/24');
  assert.deepEqual(await overlay.underlayOf('10.98.0.1'), { device: 'eth0', mtu: 1500 });
});
