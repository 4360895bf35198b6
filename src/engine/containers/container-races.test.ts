/**
 * Races between requests on one container (issue 10, item 4): every await interleaves, so two
 * starts, start against rm, and connect against disconnect or start must serialise, and a name
 * must be taken by exactly one of many parallel creates.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError } from '../../errors/index.js';
import { decodeContainerCreate } from '../../api/decode/container-create.js';
import { networkRequest } from '../networks/network-request.test-support.js';
import { ContainerNetworking } from './container-networks.js';
import { containerFixture } from './container-service.test-support.js';

const create = (body: Record<string, unknown> = {}) => decodeContainerCreate({ Image: 'busybox', Cmd: ['sleep', '60'], ...body });

async function setup() {
  const fixture = await containerFixture();
  const networking = new ContainerNetworking({ containers: fixture.service, networks: fixture.networks, endpoints: fixture.endpoints });
  await fixture.networks.create(networkRequest('race_a', { subnets: [{ subnet: '172.30.0.0/16' }] }));
  await fixture.networks.create(networkRequest('race_b', { subnets: [{ subnet: '172.31.0.0/16' }] }));
  return { ...fixture, networking };
}

/** A turn of the event loop: lets a monitor's exit handling run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

test('100 parallel creates with one name: one success, 99 conflicts with Docker\'s message', async () => {
  const { service, done } = await setup();
  try {
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => service.create(create(), 'dup')));
    const won = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value.id] : []));
    assert.equal(won.length, 1, 'exactly one create succeeds');
    const message = `Conflict. The container name "/dup" is already in use by container "${won[0]}". You have to remove (or rename) that container to be able to reuse that name.`;
    for (const result of results) {
      if (result.status === 'fulfilled') continue;
      assert.ok(result.reason instanceof EngineError && result.reason.kind === 'conflict', String(result.reason));
      assert.equal(result.reason.message, message);
    }
    assert.equal(service.all().filter((container) => container.name === 'dup').length, 1);
  } finally {
    await done();
  }
});

test('a failed create releases the name it reserved', async () => {
  const { service, store, done } = await setup();
  try {
    const commit = store.commit.bind(store);
    store.commit = async () => {
      store.commit = commit;
      throw new Error('disk full');
    };
    await assert.rejects(service.create(create(), 'again'), /disk full/);
    assert.equal(service.find('again'), undefined);
    const { id } = await service.create(create(), 'again');
    assert.equal(service.get('again').id, id);
  } finally {
    await done();
  }
});

test('two parallel starts: one runtime start, one namespace, one endpoint; the second is a 304', async () => {
  const { service, runtime, kernel, endpoints, done } = await setup();
  try {
    const { id } = await service.create(create(), 'twice');
    const results = await Promise.all([service.start(id), service.start(id)]);
    assert.deepEqual([...results].sort(), [false, true]);
    assert.equal(runtime.startCalls, 1);
    assert.equal(endpoints.endpointsOfContainer(id).length, 1);
    assert.ok(kernel.sandboxMap.has(`conet-d0-${id.slice(0, 12)}`), 'the winner keeps its namespace');
    assert.equal(service.get(id).state.status, 'running');
  } finally {
    await done();
  }
});

test('start against rm -f: the container is gone and leaves no namespace, endpoint or port behind', async () => {
  const { service, kernel, endpoints, ports, done } = await setup();
  try {
    const { id } = await service.create(create({ HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '' }] } } }), 'racer');
    const results = await Promise.allSettled([service.start(id), service.remove(id, { force: true })]);
    assert.equal(results[1].status, 'fulfilled', 'rm -f succeeds whatever the order');
    await settle();
    assert.equal(service.find(id), undefined, 'a removed container does not come back');
    assert.equal(kernel.sandboxMap.size, 0);
    assert.deepEqual(endpoints.endpointsOfContainer(id), []);
    assert.equal(ports.published.size, 0);
  } finally {
    await done();
  }
});

test('rm -f while a restart runs: no deadlock, nothing left', async () => {
  const { service, kernel, done } = await setup();
  try {
    const { id } = await service.create(create(), 'restarter');
    await service.start(id);
    await Promise.allSettled([service.restart(id, 1), service.remove(id, { force: true }), service.start(id), service.stop(id, 1)]);
    await settle();
    assert.equal(service.find(id), undefined);
    assert.equal(kernel.sandboxMap.size, 0);
  } finally {
    await done();
  }
});

test('connect to two networks in parallel: distinct interfaces (eth1, eth2)', async () => {
  const { service, networking, endpoints, done } = await setup();
  try {
    const { id } = await service.create(create(), 'multi');
    await service.start(id);
    await Promise.all([networking.connect('race_a', id), networking.connect('race_b', id)]);
    assert.deepEqual(endpoints.endpointsOfContainer(id).map((endpoint) => endpoint.ifname).sort(), ['eth0', 'eth1', 'eth2']);
  } finally {
    await done();
  }
});

test('connect against start: a connect that succeeds is attached once the container runs', async () => {
  const { service, networking, endpoints, networks, done } = await setup();
  try {
    const { id } = await service.create(create(), 'joiner');
    const [started, connected] = await Promise.allSettled([service.start(id), networking.connect('race_a', id)]);
    assert.equal(started.status, 'fulfilled');
    assert.equal(connected.status, 'fulfilled');
    const joined = endpoints.endpointsOfContainer(id).map((endpoint) => endpoint.networkId);
    const raceA = networks.inspect('race_a').id;
    assert.ok(joined.includes(raceA), 'the recorded network is attached');
  } finally {
    await done();
  }
});

test('disconnect against start: a disconnected network is not attached by the start', async () => {
  const { service, networking, endpoints, networks, done } = await setup();
  try {
    const { id } = await service.create(create(), 'leaver');
    await networking.connect('race_a', id);
    await Promise.all([service.start(id), networking.disconnect('race_a', id)]);
    const raceA = networks.inspect('race_a').id;
    assert.ok(!endpoints.endpointsOfContainer(id).some((endpoint) => endpoint.networkId === raceA));
    assert.equal(service.get(id).endpointRequests['race_a'], undefined);
  } finally {
    await done();
  }
});

test('connect against disconnect on a running container: serialised, the state matches the kernel', async () => {
  const { service, networking, endpoints, kernel, networks, done } = await setup();
  try {
    const { id } = await service.create(create(), 'flipper');
    await service.start(id);
    await networking.connect('race_a', id);
    // Issued in this order, a serialised engine disconnects first and then connects again.
    const results = await Promise.allSettled([networking.disconnect('race_a', id), networking.connect('race_a', id), networking.connect('race_b', id)]);
    assert.deepEqual(results.map((result) => result.status), ['fulfilled', 'fulfilled', 'fulfilled']);
    const raceA = networks.inspect('race_a').id;
    const mine = endpoints.endpointsOfContainer(id);
    assert.equal(mine.filter((endpoint) => endpoint.networkId === raceA).length, 1);
    assert.ok(service.get(id).endpointRequests['race_a']);
    const sandbox = kernel.sandboxMap.get(`conet-d0-${id.slice(0, 12)}`);
    for (const endpoint of mine) assert.ok(sandbox?.has(endpoint.hostIfname ?? ''), `${endpoint.ifname} is in the namespace`);
    assert.equal(new Set(mine.map((endpoint) => endpoint.ifname)).size, mine.length, 'interface names are distinct');
  } finally {
    await done();
  }
});
