/** EndpointService on the fake kernel: addresses, MACs, Docker's errors, rollback. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError } from '../../errors/index.js';
import { macFromIpv4, type ConnectRequest } from './endpoint-service.js';
import { engineFixture } from '../engine.test-support.js';
import { networkRequest } from './network-request.test-support.js';

async function setup() {
  return engineFixture();
}

const request = (name: string, extra: Partial<ConnectRequest> = {}): ConnectRequest => ({
  containerId: `${name}-id`, containerName: name, sandbox: `sb-${name}`, createSandbox: true, ifname: 'eth0', ...extra,
});
const failsWith = (kind: string, message: RegExp) => (error: unknown) => error instanceof EngineError && error.kind === kind && message.test(error.message);

test('default bridge: sequential addresses from .2, Docker MACs, veth in the sandbox', async () => {
  const { kernel, endpoints } = await setup();
  const first = await endpoints.connect('bridge', request('c1'));
  const second = await endpoints.connect('bridge', request('c2'));
  assert.equal(first.ipv4Address, '172.17.0.2/16');
  assert.equal(first.gateway4, '172.17.0.1');
  assert.equal(first.macAddress, '02:42:ac:11:00:02');
  assert.equal(second.ipv4Address, '172.17.0.3/16');
  assert.match(first.hostIfname, /^veth[0-9a-f]{7}$/);
  const plugged = kernel.sandboxMap.get('sb-c1')?.get(first.hostIfname);
  assert.deepEqual(plugged?.addresses, ['172.17.0.2/16']);
  assert.equal(plugged?.bridge, 'conet0');
  assert.equal(plugged?.gateway4, '172.17.0.1');
  // A freed address is reused (Docker's local networks do: S083).
  await endpoints.disconnect('bridge', 'c1-id');
  assert.equal(kernel.linkMap.has(first.hostIfname), false);
  assert.equal((await endpoints.connect('bridge', request('c3'))).ipv4Address, '172.17.0.2/16');
});

test('static addresses follow Docker rules and messages', async () => {
  const { networks, endpoints } = await setup();
  await networks.create(networkRequest('custom1', { subnets: [{ subnet: '10.99.0.0/24', ipRange: '10.99.0.128/25', gateway: '10.99.0.254' }] }));
  await networks.create(networkRequest('auto'));
  assert.equal((await endpoints.connect('custom1', request('a'))).ipv4Address, '10.99.0.128/24');
  assert.equal((await endpoints.connect('custom1', request('b', { ipv4Address: '10.99.0.10' }))).ipv4Address, '10.99.0.10/24');
  await assert.rejects(endpoints.connect('custom1', request('c', { ipv4Address: '10.99.0.10' })), failsWith('forbidden', /^Address already in use$/));
  await assert.rejects(endpoints.connect('bridge', request('d', { ipv4Address: '172.17.0.99' })), failsWith('invalid', /supported on user defined networks only/));
  await assert.rejects(endpoints.connect('auto', request('e', { ipv4Address: '172.18.0.50' })), failsWith('invalid', /only when connecting to networks with user configured subnets/));
  assert.equal(macFromIpv4('10.99.0.10'), '02:42:0a:63:00:0a');
});

test('connect/disconnect errors as Docker gives them', async () => {
  const { endpoints } = await setup();
  await endpoints.connect('bridge', request('x'));
  await assert.rejects(endpoints.connect('bridge', request('x')), failsWith('forbidden', /endpoint with name x already exists in network bridge/));
  await assert.rejects(endpoints.connect('host', request('y')), failsWith('invalid', /connected to host network/));
  await assert.rejects(endpoints.connect('nosuchnet', request('y')), failsWith('not-found', /network nosuchnet not found/));
  await assert.rejects(endpoints.disconnect('bridge', 'other-id'), failsWith('system', /container other-id is not connected to network bridge/));
});

test('a kernel failure leaves no endpoint and no address taken', async () => {
  const { kernel, endpoints, networks } = await setup();
  kernel.failNext('plugVeth');
  await assert.rejects(endpoints.connect('bridge', request('bad')), /injected failure/);
  assert.deepEqual(endpoints.endpointsOf(networks.inspect('bridge').id), []);
  assert.equal((await endpoints.connect('bridge', request('good'))).ipv4Address, '172.17.0.2/16');
});

test('tiny network runs out with Docker message; in-use network cannot be removed', async () => {
  const { networks, endpoints } = await setup();
  await networks.create(networkRequest('tiny', { subnets: [{ subnet: '10.97.0.0/30' }] }));
  await endpoints.connect('tiny', request('t1'));
  await assert.rejects(endpoints.connect('tiny', request('t2')), failsWith('system', /no available IPv4 addresses on this network's address pools: tiny \(/));
  await assert.rejects(networks.remove('tiny'), failsWith('forbidden', /has active endpoints/));
  await endpoints.disconnect('tiny', 't1-id');
  await networks.remove('tiny');
});
