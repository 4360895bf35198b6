import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoint, Network } from '../model/network.js';
import { buildNameTable, hasEmbeddedDns, nameserversOf } from './table-source.js';

const network = (name: string, driver: string, predefined = false): Network =>
  ({ id: `id-${name}`, name, driver, predefined, internal: false, ipam: { driver: 'default', options: {}, configs: [] } }) as unknown as Network;

test('embedded DNS on user-defined bridge, overlay and macvlan networks', () => {
  assert.equal(hasEmbeddedDns(network('a', 'bridge')), true);
  assert.equal(hasEmbeddedDns(network('ov', 'overlay')), true);
  assert.equal(hasEmbeddedDns(network('lan', 'macvlan')), true);
  assert.equal(hasEmbeddedDns(network('bridge', 'bridge', true)), false);
  assert.equal(hasEmbeddedDns(network('host', 'host', true)), false);
  assert.equal(hasEmbeddedDns(network('none', 'null', true)), false);
  assert.equal(hasEmbeddedDns(network('ipv', 'ipvlan')), false);
});

test('the table: addresses without prefix, hostnames from the containers', () => {
  const endpoint = { containerId: 'c1', name: 'web', aliases: ['w'], ipv4Address: '172.18.0.2/16', ipv6Address: '' } as Endpoint;
  const table = buildNameTable([network('a', 'bridge'), network('bridge', 'bridge', true)], () => [endpoint], () => ({ config: { hostname: 'h1' }, hostConfig: { links: [{ name: 'db1', alias: 'db' }] }, endpointRequests: {} }) as never);
  assert.deepEqual(table, { networks: [{ id: 'id-a', name: 'a', internal: false, endpoints: [{ containerId: 'c1', name: 'web', aliases: ['w'], hostname: 'h1', ipv4: '172.18.0.2', ipv6: '', links: [{ name: 'db1', alias: 'db' }] }] }] });
  assert.deepEqual(nameserversOf('# x\nnameserver 127.0.0.53\nsearch lan\nnameserver 10.0.0.1\n'), ['127.0.0.53', '10.0.0.1']);
});

test('links given at connect (compose v1 `links:`) join HostConfig.Links on that network only', () => {
  const endpoint = (containerId: string): Endpoint => ({ containerId, name: containerId, aliases: [] as string[], ipv4Address: '172.18.0.2/16', ipv6Address: '' }) as Endpoint;
  const container = {
    config: { hostname: 'h' },
    hostConfig: { links: [{ name: 'db1', alias: 'db' }] },
    endpointRequests: { front: { aliases: [], ipv4Address: '', ipv6Address: '', macAddress: '', links: [{ name: 'web1', alias: 'legacy' }] } },
  };
  const table = buildNameTable([network('front', 'bridge'), network('back', 'bridge')], () => [endpoint('c1')], () => container as never);
  assert.deepEqual(table.networks.map((entry) => [entry.name, entry.endpoints[0]?.links]), [
    ['front', [{ name: 'db1', alias: 'db' }, { name: 'web1', alias: 'legacy' }]],
    ['back', [{ name: 'db1', alias: 'db' }]],
  ]);
});
