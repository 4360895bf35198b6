import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bridgeCommands, foreignBridgeCommands } from './links.js';
import { parseAddresses, parseLinks } from './ip-json.js';
import { parseInterfaceAddress, parseInterfaceName } from '../../util/kernel-values.js';
import type { BridgeSpec } from '../ports.js';

const spec: BridgeSpec = { name: parseInterfaceName('br-x'), addresses: [parseInterfaceAddress('172.18.0.1/16')], mtu: 1500, alias: 'conet-net:abc' };

test('a new bridge gets mtu, alias, address and up in one batch', () => {
  assert.deepEqual(bridgeCommands(spec), [
    'link set dev br-x mtu 1500',
    'link set dev br-x alias "conet-net:abc"',
    'addr add 172.18.0.1/16 dev br-x',
    'link set dev br-x up',
  ]);
});

test('an existing bridge keeps matching addresses, loses others, keeps link-local v6', () => {
  const commands = bridgeCommands(spec, [
    { link: 'br-x', family: 'inet', address: '172.18.0.1', prefixLength: 16 },
    { link: 'br-x', family: 'inet', address: '10.0.0.1', prefixLength: 8 },
    { link: 'br-x', family: 'inet6', address: 'fe80::1', prefixLength: 64 },
  ]);
  assert.ok(commands.includes('addr del 10.0.0.1/8 dev br-x'));
  assert.ok(!commands.some((command) => command.startsWith('addr add')));
  assert.ok(!commands.some((command) => command.includes('fe80')));
});

test('ip -json parsing', () => {
  const text = JSON.stringify([
    { ifindex: 3, ifname: 'conet0', flags: ['BROADCAST', 'UP'], mtu: 1500, address: '02:42:ac:11:00:01', ifalias: 'conet-net:1', linkinfo: { info_kind: 'bridge' }, addr_info: [{ family: 'inet', local: '172.17.0.1', prefixlen: 16 }] },
  ]);
  assert.deepEqual(parseLinks(text), [{ name: 'conet0', index: 3, kind: 'bridge', up: true, mtu: 1500, mac: '02:42:ac:11:00:01', alias: 'conet-net:1', master: '' }]);
  assert.deepEqual(parseAddresses(text), [{ link: 'conet0', family: 'inet', address: '172.17.0.1', prefixLength: 16 }]);
  assert.deepEqual(parseLinks(''), []);
});

test('a bridge someone else made only gets the addresses it lacks, and is brought up', () => {
  assert.deepEqual(foreignBridgeCommands(spec, [{ link: 'br-x', family: 'inet', address: '10.0.0.1', prefixLength: 8 }]), [
    'addr add 172.18.0.1/16 dev br-x',
    'link set dev br-x up',
  ]);
  assert.deepEqual(foreignBridgeCommands(spec, [{ link: 'br-x', family: 'inet', address: '172.18.0.1', prefixLength: 16 }]), ['link set dev br-x up']);
});

test('an existing address read back from the kernel is refused as a token if it is not one', () => {
  assert.throws(() => bridgeCommands(spec, [{ link: 'br-x', family: 'inet', address: '10.0.0.1\nnetns add x', prefixLength: 8 }]), { code: 'kernel-unsafe-token' });
});
