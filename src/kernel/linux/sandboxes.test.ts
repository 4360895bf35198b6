import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostCommands, sandboxCommands } from './sandboxes.js';

const spec = {
  hostName: 'veth1234567',
  bridge: 'conet0',
  sandbox: 'conet-c-0123456789ab',
  ifname: 'eth0',
  mac: '02:42:ac:11:00:02',
  mtu: 1500,
  addresses: ['172.17.0.2/16'],
  gateway4: '172.17.0.1',
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
    sandboxCommands({ ...spec, addresses: ['172.17.0.2/16', 'fd00::2/64'], gateway6: 'fd00::1' }),
    'addr add 172.17.0.2/16 dev eth0\naddr add fd00::2/64 dev eth0 nodad\nlink set dev eth0 up\nlink set dev lo up\n' +
      'route replace default via 172.17.0.1 dev eth0\nroute replace default via fd00::1 dev eth0\n',
  );
});
