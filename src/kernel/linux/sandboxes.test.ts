import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostCommands, sandboxCommands } from './sandboxes.js';
import { parseInterfaceAddress as cidr, parseInterfaceName as name, parseIpAddress as ip, parseMac, parseNetnsName } from '../../util/kernel-values.js';
import type { VethSpec } from '../ports.js';

const spec: VethSpec = {
  hostName: name('veth1234567'),
  bridge: name('conet0'),
  sandbox: parseNetnsName('conet-c-0123456789ab'),
  ifname: name('eth0'),
  mac: parseMac('02:42:ac:11:00:02'),
  mtu: 1500,
  addresses: [cidr('172.17.0.2/16')],
  gateway4: ip('172.17.0.1'),
};

test('host batch: namespace, veth with its peer born in the sandbox, enslaved and up', () => {
  assert.equal(
    hostCommands({ ...spec, createSandbox: true }),
    'netns add conet-c-0123456789ab\n' +
      'link add name veth1234567 mtu 1500 type veth peer name eth0 netns conet-c-0123456789ab address 02:42:ac:11:00:02 mtu 1500\n' +
      'link set dev veth1234567 master conet0 up\n' +
      'link set dev veth1234567 type bridge_slave hairpin on\n',
  );
  assert.doesNotMatch(hostCommands(spec), /netns add/);
  assert.doesNotMatch(hostCommands(spec), /isolated/);
});

test('host batch: an icc=false port is isolated in the same command', () => {
  assert.match(hostCommands({ ...spec, isolated: true }), /^link set dev veth1234567 type bridge_slave hairpin on isolated on$/m);
});

test('sandbox batch: addresses, links up, default routes', () => {
  assert.equal(
    sandboxCommands({ ...spec, addresses: [cidr('172.17.0.2/16'), cidr('fd00::2/64')], gateway6: ip('fd00::1') }),
    'addr add 172.17.0.2/16 dev eth0\naddr add fd00::2/64 dev eth0 nodad\nlink set dev eth0 up\nlink set dev lo up\n' +
      'route replace default via 172.17.0.1 dev eth0\nroute replace default via fd00::1 dev eth0\n',
  );
});

test('a value that is not one token never reaches the script (a cast past the types)', () => {
  const hostile = '02:42:ac:11:00:99\nnetns add x\nnetns exec x touch /tmp/owned';
  assert.throws(() => hostCommands({ ...spec, mac: hostile as VethSpec['mac'] }), { code: 'kernel-unsafe-token' });
  assert.throws(() => sandboxCommands({ ...spec, ifname: 'eth0 up; x' as VethSpec['ifname'] }), { code: 'kernel-unsafe-token' });
});
