/** The record of an adopted container follows its endpoints (crash between a live connect/disconnect and the save). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container } from '../../model/container.js';
import type { Endpoint, Network } from '../../model/network.js';
import { recordFollowingEndpoints } from './recorded-networks.js';

const network = (name: string): Network => ({ id: `id-${name}`, name } as Network);
const endpoint = (aliases: string[] = [], extra: Partial<Endpoint> = {}): Endpoint => ({ aliases, ifname: 'eth1', ...extra } as Endpoint);
const container = (mode: string, endpointRequests: Container['endpointRequests'], primaryDetached?: boolean): Container =>
  ({ hostConfig: { networkMode: mode }, endpointRequests, ...(primaryDetached ? { primaryDetached } : {}) } as Container);
const request = (ipv4Address = '') => ({ aliases: [], ipv4Address, ipv6Address: '', macAddress: '' });

test('a network the container is on but its record lacks is added; one it left is dropped', () => {
  const c = container('default', { gone: request() });
  assert.deepEqual(recordFollowingEndpoints(c, [{ network: network('bridge'), endpoint: endpoint() }, { network: network('app'), endpoint: endpoint(['web']) }]), {
    endpointRequests: { app: { aliases: ['web'], ipv4Address: '', ipv6Address: '', macAddress: '' } },
  });
});

test('requests of networks still attached are kept as they are; a matching record is left alone', () => {
  const c = container('app', { app: request('10.1.0.9'), db: request() });
  assert.equal(recordFollowingEndpoints(c, [{ network: network('app'), endpoint: endpoint() }, { network: network('db'), endpoint: endpoint() }]), undefined);
});

test('the primary network gone: primaryDetached; back: cleared', () => {
  assert.deepEqual(recordFollowingEndpoints(container('app', { app: request('10.1.0.9') }), []), { endpointRequests: {}, primaryDetached: true });
  assert.deepEqual(recordFollowingEndpoints(container('default', {}, true), [{ network: network('bridge'), endpoint: endpoint() }]), { endpointRequests: {} });
});

test('host, none and container: modes have no record to follow', () => {
  for (const mode of ['host', 'none', 'container:x']) assert.equal(recordFollowingEndpoints(container(mode, {}), []), undefined);
});

test('an added network keeps the endpoint --gw-priority and interface name for the next start', () => {
  const c = container('default', {});
  assert.deepEqual(recordFollowingEndpoints(c, [{ network: network('bridge'), endpoint: endpoint() }, { network: network('up'), endpoint: endpoint([], { gwPriority: 7, ifname: 'uplink0' }) }]), {
    endpointRequests: { up: { aliases: [], ipv4Address: '', ipv6Address: '', macAddress: '', gwPriority: 7, driverOpts: { 'com.docker.network.endpoint.ifname': 'uplink0' } } },
  });
});
