import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoint } from '../../model/network.js';
import { gatewayEndpoint } from './gateway-routes.js';
import { interfaceNameFor } from './interface-name.js';

const endpoint = (id: string, extra: Partial<Endpoint>): Endpoint => ({
  id, networkId: `net-${id}`, containerId: 'c', name: 'c', macAddress: '', ipv4Address: '', ipv6Address: '', gateway4: '', gateway6: '',
  sandbox: 's', ifname: `eth-${id}`, hostIfname: '', aliases: [], requestedIpv4: '', requestedIpv6: '', ...extra,
});

test('the default route goes via the highest --gw-priority; among equals the last attached', () => {
  const a = endpoint('a', { gateway4: '10.0.0.1', gwPriority: 10 });
  const b = endpoint('b', { gateway4: '10.1.0.1' });
  const c = endpoint('c', { gateway4: '10.2.0.1' });
  const none = () => false;
  assert.equal(gatewayEndpoint([a, b, c], none, 4), a);
  assert.equal(gatewayEndpoint([b, c], none, 4), c);
  assert.equal(gatewayEndpoint([a, endpoint('d', { gateway4: '10.3.0.1', gwPriority: -1 })], none, 4), a);
  assert.equal(gatewayEndpoint([endpoint('e', { gateway4: '10.4.0.1', gwPriority: -1 }), b], none, 4), b);
});

test('internal networks and endpoints without a gateway of the family carry no default route', () => {
  const v6only = endpoint('a', { gateway6: 'fd00::1', gwPriority: 5 });
  const internal = endpoint('b', { gateway4: '10.1.0.1', gwPriority: 9 });
  const plain = endpoint('c', { gateway4: '10.2.0.1' });
  assert.equal(gatewayEndpoint([v6only, internal, plain], (id) => id === 'net-b', 4), plain);
  assert.equal(gatewayEndpoint([v6only, internal, plain], () => false, 6), v6only);
  assert.equal(gatewayEndpoint([internal], (id) => id === 'net-b', 4), undefined);
});

test('interface names: the ifname option, else the first free ethN; a name in use is a conflict', () => {
  const base = { aliases: [], ipv4Address: '', ipv6Address: '', macAddress: '' };
  assert.equal(interfaceNameFor(undefined, new Set()), 'eth0');
  assert.equal(interfaceNameFor(base, new Set(['eth0', 'eth2'])), 'eth1');
  assert.equal(interfaceNameFor({ ...base, driverOpts: { 'com.docker.network.endpoint.ifname': 'uplink' } }, new Set(['eth0'])), 'uplink');
  assert.throws(() => interfaceNameFor({ ...base, driverOpts: { 'com.docker.network.endpoint.ifname': 'eth0' } }, new Set(['eth0'])), { kind: 'conflict' });
});
