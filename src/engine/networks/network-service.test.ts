/** NetworkService on the fake kernel and the memory store: use cases and their rollbacks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError } from '../../errors/index.js';
import type { Endpoint } from '../../model/network.js';
import { MemoryStore, type StoreOp } from '../../store/index.js';
import { networkRequest } from './network-request.test-support.js';
import { engineFixture } from '../engine.test-support.js';

class FlakyStore extends MemoryStore {
  failNext = false;
  override async commit(ops: readonly StoreOp[]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('disk full');
    }
    return super.commit(ops);
  }
}

async function setup(endpoints: Record<string, Endpoint[]> = {}) {
  const { kernel, store, networks: service } = await engineFixture({ store: new FlakyStore(), endpointsOverride: endpoints });
  return { kernel, store: store as FlakyStore, service };
}

const kindOf = (error: unknown): string => (error instanceof EngineError ? error.kind : 'other');

test('reconcile creates the default bridge and the table', async () => {
  const { kernel } = await setup();
  assert.deepEqual(kernel.linkMap.get('conet0')?.addresses, ['172.17.0.1/16']);
  assert.match(kernel.scripts[0] ?? '', /table inet conet/);
  assert.match(kernel.scripts[1] ?? '', /^table inet conet-user \{/, 'the users\' table, created because it was missing');
  assert.equal(kernel.sysctls.get('net.ipv4.ip_forward'), '1');
});

test('create picks 172.18.0.0/16, makes the bridge and one nft transaction', async () => {
  const { kernel, service } = await setup();
  const { id } = await service.create(networkRequest('my_bridge'));
  const bridge = kernel.linkMap.get(`br-${id.slice(0, 12)}`);
  assert.deepEqual(bridge?.addresses, ['172.18.0.1/16']);
  assert.equal(bridge?.alias, `conet-net:${id}`);
  assert.equal(kernel.scripts.length, 3, 'start-up: our table and the users\' table; then one transaction');
  assert.match(kernel.scripts[2] ?? '', new RegExp(id.slice(0, 12)));
});

test('a subnet that overlaps a host route is skipped', async () => {
  const { kernel, service } = await setup();
  kernel.routes.push({ destination: '172.18.0.0/24', device: 'eth0', gateway: '' });
  await service.create(networkRequest('n'));
  assert.equal(service.inspect('n').ipam.configs[0]?.subnet, '172.19.0.0/16');
});

test('a failed store write undoes the kernel work', async () => {
  const { kernel, store, service } = await setup();
  const before = [...kernel.linkMap.keys()];
  store.failNext = true;
  await assert.rejects(service.create(networkRequest('doomed')), /failed to save network doomed: disk full/);
  assert.deepEqual([...kernel.linkMap.keys()], before);
  assert.equal(service.all().some((network) => network.name === 'doomed'), false);
});

test('a failed firewall transaction removes the new bridge', async () => {
  const { kernel, service } = await setup();
  kernel.failNext('apply');
  await assert.rejects(service.create(networkRequest('doomed')), /injected failure/);
  assert.deepEqual([...kernel.linkMap.keys()], ['lo', 'conet0'], 'the host namespace has its loopback and the default bridge only');
  assert.equal(service.all().length, 3);
});

test('bridge name collisions are refused before the kernel is touched', async () => {
  const { kernel, service } = await setup();
  await assert.rejects(
    service.create(networkRequest('x', { options: { 'com.docker.network.bridge.name': 'conet0' } })),
    (error: unknown) => kindOf(error) === 'forbidden' && /already used by network bridge/.test((error as Error).message),
  );
  assert.equal(kernel.scripts.length, 2, 'only the start-up scripts');
});

test('remove: predefined is 403, in use is 403, unknown is 404; concurrent creates get distinct subnets', async () => {
  const endpoints: Record<string, Endpoint[]> = {};
  const { service } = await setup(endpoints);
  await assert.rejects(service.remove('bridge'), (error: unknown) => kindOf(error) === 'forbidden');
  await assert.rejects(service.remove('nope'), (error: unknown) => kindOf(error) === 'not-found');
  const created = await Promise.all(['a', 'b', 'c', 'd'].map((name) => service.create(networkRequest(name))));
  const subnets = new Set(created.map(({ id }) => service.inspect(id).ipam.configs[0]?.subnet));
  assert.equal(subnets.size, 4);
  const busy = service.inspect('a');
  endpoints[busy.id] = [{ id: 'e', networkId: busy.id, containerId: 'c', name: 'c', macAddress: '', ipv4Address: '', ipv6Address: '', gateway4: '', gateway6: '', sandbox: 's', ifname: 'eth0', hostIfname: '', aliases: [], requestedIpv4: '', requestedIpv6: '' }];
  await assert.rejects(service.remove('a'), /has active endpoints/);
  assert.deepEqual((await service.prune()).sort(), ['b', 'c', 'd']);
});
