/** Docker's list answers -> the view's snapshot; container details from an inspect answer. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTopology } from './topology.js';
import { containerDetails } from './details.js';

const NET_A = 'a'.repeat(64);
const NET_O = 'b'.repeat(64);
const networks = [
  { Name: 'bridge', Id: 'c'.repeat(64), Driver: 'bridge', Scope: 'local', Internal: false, IPAM: { Config: [{ Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }] }, Options: { 'com.docker.network.bridge.name': 'conet0' } },
  { Name: 'front', Id: NET_A, Driver: 'bridge', Scope: 'local', Internal: true, IPAM: { Config: [{ Subnet: '10.5.0.0/24', Gateway: '10.5.0.1' }] }, Options: {} },
  { Name: 'ov', Id: NET_O, Driver: 'overlay', Scope: 'global', IPAM: { Config: [{ Subnet: '10.9.0.0/24' }] } },
  { Name: 'junk' },
];
const web = {
  Id: 'd'.repeat(64), Names: ['/web'], Image: 'busybox', State: 'running', Status: 'Up 1 second',
  Ports: [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }, { PrivatePort: 443, Type: 'tcp' }],
  NetworkSettings: { Networks: { front: { NetworkID: NET_A, IPAddress: '10.5.0.2', IPPrefixLen: 24, Gateway: '10.5.0.1', MacAddress: '02:42:0a:05:00:02', Aliases: ['w'], DNSNames: ['web', 'w', 'dddddddddddd'] }, gone: { NetworkID: 'e'.repeat(64), IPAddress: '10.6.0.2', IPPrefixLen: 24 } } },
};

test('networks carry driver, subnets and their kernel devices; malformed entries are dropped', () => {
  const topology = buildTopology(networks, [web, 'nonsense'], { Name: 'node1' });
  assert.equal(topology.host, 'node1');
  assert.deepEqual(topology.networks.map((network) => [network.name, network.driver, network.subnets, network.devices, network.internal]), [
    ['bridge', 'bridge', ['172.17.0.0/16'], ['conet0'], false],
    ['front', 'bridge', ['10.5.0.0/24'], [`br-${NET_A.slice(0, 12)}`], true],
    ['ov', 'overlay', ['10.9.0.0/24'], [`ov-${NET_O.slice(0, 12)}`, `vx-${NET_O.slice(0, 12)}`], false],
  ]);
});

test('containers carry endpoints and published ports; edges go only to known networks', () => {
  const topology = buildTopology(networks, [web], {});
  const [container] = topology.containers;
  assert.equal(container?.name, 'web');
  assert.deepEqual(container?.ports, [{ containerPort: 80, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 8080 }]);
  assert.deepEqual(container?.endpoints[0]?.dnsNames, ['web', 'w', 'dddddddddddd']);
  assert.deepEqual(topology.edges, [{ container: web.Id, network: NET_A, address: '10.5.0.2/24' }]);
});

test('details: interfaces named ethN in order (or by ifname), the default route by GwPriority, DNS names, ports', () => {
  const details = containerDetails({
    Id: web.Id, Name: '/web', State: { Status: 'running' },
    NetworkSettings: {
      Ports: { '80/tcp': [{ HostIp: '', HostPort: '8080' }], '443/tcp': null },
      Networks: {
        front: { IPAddress: '10.5.0.2', IPPrefixLen: 24, Gateway: '10.5.0.1', MacAddress: 'm1', DNSNames: ['web'] },
        back: { IPAddress: '10.7.3.9', IPPrefixLen: 16, Gateway: '10.7.0.1', GwPriority: 5, DNSNames: ['web', 'api'] },
        data: { IPAddress: '10.8.0.2', IPPrefixLen: 24, Gateway: '10.8.0.1', DriverOpts: { 'com.docker.network.endpoint.ifname': 'data0' } },
      },
    },
  });
  assert.deepEqual(details.interfaces.map((item) => [item.name, item.network, item.ipv4]), [['eth0', 'front', '10.5.0.2/24'], ['eth1', 'back', '10.7.3.9/16'], ['data0', 'data', '10.8.0.2/24']]);
  assert.deepEqual(details.routes, [
    { destination: 'default', via: '10.7.0.1', device: 'eth1' },
    { destination: '10.5.0.0/24', via: '', device: 'eth0' },
    { destination: '10.7.0.0/16', via: '', device: 'eth1' },
    { destination: '10.8.0.0/24', via: '', device: 'data0' },
  ]);
  assert.deepEqual(details.dnsNames, [{ network: 'front', names: ['web'] }, { network: 'back', names: ['web', 'api'] }, { network: 'data', names: [] }]);
  assert.deepEqual(details.ports, [{ container: '80/tcp', host: '0.0.0.0:8080' }]);
});

test('details: an --internal network gives no default route', () => {
  const inspect = { NetworkSettings: { Networks: { only: { IPAddress: '10.9.0.2', IPPrefixLen: 24, Gateway: '10.9.0.1' } } } };
  assert.deepEqual(containerDetails(inspect, new Set(['only'])).routes, [{ destination: '10.9.0.0/24', via: '', device: 'eth0' }]);
  assert.equal(containerDetails(inspect).routes[0]?.destination, 'default');
});
