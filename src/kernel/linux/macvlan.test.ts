import { test } from 'node:test';
import assert from 'node:assert/strict';
import { macvlanHostCommands, macvlanSandboxCommands, parentLinkCommands } from './macvlan.js';
import { parseInterfaceAddress as cidr, parseInterfaceName as name, parseIpAddress, parseMac, parseNetnsName } from '../../util/kernel-values.js';
import type { MacvlanSpec } from '../ports.js';

const spec: MacvlanSpec = { parent: name('ext0'), mode: 'bridge', sandbox: parseNetnsName('conet-1-abc'), ifname: name('eth0'), mac: parseMac('02:42:0a:c9:00:80'), addresses: [cidr('10.201.0.128/24')], gateway4: parseIpAddress('10.201.0.2') };

test('the macvlan is born inside the sandbox, in the same batch as the namespace when asked', () => {
  assert.equal(macvlanHostCommands(spec), 'link add link ext0 name eth0 netns conet-1-abc address 02:42:0a:c9:00:80 type macvlan mode bridge\n');
  assert.equal(
    macvlanHostCommands({ ...spec, createSandbox: true, mtu: 1400, mode: 'private' }),
    'netns add conet-1-abc\nlink add link ext0 name eth0 netns conet-1-abc address 02:42:0a:c9:00:80 mtu 1400 type macvlan mode private\n',
  );
});

test('inside the sandbox: address, up, default route via the LAN gateway', () => {
  assert.equal(
    macvlanSandboxCommands(spec),
    'addr add 10.201.0.128/24 dev eth0\nlink set dev eth0 up\nlink set dev lo up\nroute replace default via 10.201.0.2 dev eth0\n',
  );
  const { gateway4: _gateway, ...internal } = spec;
  assert.doesNotMatch(macvlanSandboxCommands(internal), /route/);
});

test('parent links carry the owner alias and come up', () => {
  assert.equal(
    parentLinkCommands({ kind: 'vlan', name: name('ext0.10'), link: name('ext0'), vlanId: 10, alias: 'conet-macvlan:abc' }),
    'link add link ext0 name ext0.10 type vlan id 10\nlink set dev ext0.10 alias "conet-macvlan:abc"\nlink set dev ext0.10 up\n',
  );
  assert.match(parentLinkCommands({ kind: 'dummy', name: name('dm-abc'), alias: 'conet-macvlan:abc' }), /^link add name dm-abc type dummy\n/);
});

test('an alias that could end its quotes is refused', () => {
  assert.throws(() => parentLinkCommands({ kind: 'dummy', name: name('dm-abc'), alias: 'x"\nnetns add y' }), { code: 'kernel-unsafe-token' });
});
