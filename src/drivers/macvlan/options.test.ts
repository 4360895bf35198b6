import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMacvlanOptions } from './options.js';

const id = 'abcdef0123456789'.padEnd(64, '0');
const decode = (options: Record<string, string>, internal = false) => decodeMacvlanOptions({ id, options, internal });

test('parent as given, bridge mode by default, MTU left to the kernel', () => {
  assert.deepEqual(decode({ parent: 'ext0' }), { parent: 'ext0', parentKind: { kind: 'link' }, mode: 'bridge' });
  assert.deepEqual(decode({ parent: 'ext0', macvlan_mode: 'vepa', 'com.docker.network.driver.mtu': '1400' }), { parent: 'ext0', parentKind: { kind: 'link' }, mode: 'vepa', mtu: 1400 });
});

test('IFACE.VLAN is an 802.1q sub-interface of IFACE', () => {
  assert.deepEqual(decode({ parent: 'ext0.10' }).parentKind, { kind: 'vlan', link: 'ext0', vlanId: 10 });
  assert.throws(() => decode({ parent: 'ext0.4095' }), /vlan id must be between 1-4094/);
  assert.throws(() => decode({ parent: 'ext0.0' }), /vlan id must be between 1-4094/);
});

test('no parent, or --internal, means a dummy parent dm-<12 hex> (as Docker)', () => {
  assert.deepEqual(decode({}), { parent: 'dm-abcdef012345', parentKind: { kind: 'dummy' }, mode: 'bridge' });
  assert.equal(decode({ parent: 'ext0' }, true).parent, 'dm-abcdef012345');
});

test('bad values are refused with Docker-style messages', () => {
  assert.throws(() => decode({ parent: 'ext0', macvlan_mode: 'source' }), /requested macvlan mode 'source' is not valid, 'bridge' mode is the macvlan driver default/);
  assert.throws(() => decode({ parent: 'lo' }), /loopback interface is not a valid macvlan parent link/);
  for (const parent of ['ext0; reboot', 'a"b', 'x'.repeat(16), '..']) assert.throws(() => decode({ parent }), /invalid parent interface/, parent);
  assert.throws(() => decode({ parent: 'ext0', 'com.docker.network.driver.mtu': '67' }), /MTU/);
});
