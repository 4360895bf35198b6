/** ContainerService on fakes: modes, undo on failure, release on exit, Docker's errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { EngineError } from '../../errors/index.js';
import { containerFixture as setup } from './container-service.test-support.js';
import { decodeContainerCreate } from '../../api/decode/container-create.js';

const create = (body: Record<string, unknown>) => decodeContainerCreate({ Image: 'busybox', Cmd: ['sleep', '60'], ...body });
const kindIs = (kind: string, message: RegExp) => (error: unknown) => error instanceof EngineError && error.kind === kind && message.test(error.message);

test('bridge mode: sandbox, eth0 address, /etc files, release on exit', async () => {
  const { kernel, runtime, service, endpoints, done } = await setup();
  try {
    const { id } = await service.create(create({ Hostname: 'web' }), 'c1');
    await service.start(id);
    const spec = runtime.started.get(id);
    assert.equal(spec?.netnsPath, `/run/netns/conet-d0-${id.slice(0, 12)}`);
    assert.deepEqual(spec?.args, ['sleep', '60']);
    const [endpoint] = endpoints.endpointsOfContainer(id);
    assert.equal(endpoint?.ipv4Address, '172.17.0.2/16');
    assert.match(await readFile(spec?.etc.hosts ?? '', 'utf8'), /172\.17\.0\.2\tweb\n$/);
    assert.equal(await readFile(spec?.etc.resolvConf ?? '', 'utf8'), 'nameserver 10.0.0.53\n');
    runtime.exit(id, 3);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(service.get(id).state.status, 'exited');
    assert.equal(service.get(id).state.exitCode, 3);
    assert.deepEqual(endpoints.endpointsOfContainer(id), []);
    assert.equal(kernel.sandboxMap.size, 0);
  } finally {
    await done();
  }
});

test('a runtime failure undoes network and ports; the address is free again', async () => {
  const { kernel, runtime, ports, service, endpoints, done } = await setup();
  try {
    const { id } = await service.create(create({ ExposedPorts: { '80/tcp': {} }, HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '8080' }] } } }), 'bad');
    runtime.failNextStart = true;
    await assert.rejects(service.start(id), /exec format error/);
    assert.equal(kernel.sandboxMap.size, 0);
    assert.equal(ports.published.size, 0);
    assert.deepEqual(endpoints.endpointsOfContainer(id), []);
    assert.equal(service.get(id).state.status, 'created');
    await service.start(id);
    assert.equal(endpoints.endpointsOfContainer(id)[0]?.ipv4Address, '172.17.0.2/16');
    assert.deepEqual(service.get(id).ports, [{ containerPort: 80, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 8080 }]);
    assert.equal(ports.published.get(id)?.network.bridge, 'conet0');
  } finally {
    await done();
  }
});

test('container mode: joins the target namespace; refused when it is not running or missing', async () => {
  const { runtime, service, done } = await setup();
  try {
    const { id: first } = await service.create(create({}), 'busybox1');
    const { id: joiner } = await service.create(create({ HostConfig: { NetworkMode: 'container:busybox1' } }), 'joiner');
    await assert.rejects(service.start(joiner), kindIs('conflict', new RegExp(`cannot join network of a non running container: ${first}`)));
    await service.start(first);
    await service.start(joiner);
    assert.equal(runtime.started.get(joiner)?.netnsPath, runtime.started.get(first)?.netnsPath);
    const { id: orphan } = await service.create(create({ HostConfig: { NetworkMode: 'container:nosuchctr' } }), 'orphan');
    await assert.rejects(service.start(orphan), kindIs('not-found', /No such container: nosuchctr/));
  } finally {
    await done();
  }
});

test('host and none modes; unknown network and image are 404s; names are unique', async () => {
  const { runtime, service, kernel, done } = await setup();
  try {
    const { id: host } = await service.create(create({ HostConfig: { NetworkMode: 'host' } }), 'h1');
    await service.start(host);
    assert.equal(runtime.started.get(host)?.netnsPath, undefined);
    const { id: none } = await service.create(create({ HostConfig: { NetworkMode: 'none' } }), 'n1');
    await service.start(none);
    assert.ok(kernel.sandboxMap.has(`conet-d0-${none.slice(0, 12)}`));
    // As dockerd: the network is looked up at start (a 404 at create would make the CLI try a pull).
    const { id: lost } = await service.create(create({ HostConfig: { NetworkMode: 'nosuchnet' } }));
    await assert.rejects(service.start(lost), kindIs('not-found', /network nosuchnet not found/));
    await assert.rejects(service.create(decodeContainerCreate({ Image: 'nosuchimage' })), kindIs('not-found', /No such image: nosuchimage:latest/));
    await assert.rejects(service.create(create({}), 'h1'), kindIs('conflict', /The container name "\/h1" is already in use/));
    await assert.rejects(service.create(create({}), 'h'), kindIs('invalid', /Invalid container name \(h\)/));
    await assert.rejects(service.create(create({}), 'bad name'), kindIs('invalid', /Invalid container name/));
  } finally {
    await done();
  }
});

test('stop, kill, remove: Docker semantics and messages', async () => {
  const { runtime, service, done } = await setup();
  try {
    const { id } = await service.create(create({}), 'x1');
    await service.start(id);
    assert.equal(await service.start(id), false, 'second start is a no-op (304)');
    await assert.rejects(service.remove(id), kindIs('conflict', /You cannot remove a running container/));
    assert.equal(await service.stop(id, 1), true);
    assert.equal(service.get(id).state.exitCode, 143);
    assert.equal(await service.stop(id), false);
    await assert.rejects(service.kill(id), kindIs('conflict', /is not running/));
    await service.start(id);
    await service.remove(id, { force: true });
    assert.equal(service.find(id), undefined);
    assert.ok(runtime.removed.includes(id));
  } finally {
    await done();
  }
});

test('network connect/disconnect: live ethN on a running container, recorded on a stopped one', async () => {
  const { service, networks, endpoints, kernel, done } = await setup();
  try {
    const { ContainerNetworking } = await import('./container-networks.js');
    const { networkRequest } = await import('../networks/network-request.test-support.js');
    const networking = new ContainerNetworking({ containers: service, networks, endpoints });
    await networks.create(networkRequest('bridge_1', { subnets: [{ subnet: '172.30.0.0/16' }] }));
    const { id } = await service.create(create({}), 'nginx004');
    await service.start(id);
    await networking.connect('bridge_1', 'nginx004');
    const eth1 = endpoints.endpointsOfContainer(id).find((endpoint) => endpoint.ifname === 'eth1');
    assert.equal(eth1?.ipv4Address, '172.30.0.2/16');
    assert.ok(kernel.sandboxMap.get(`conet-d0-${id.slice(0, 12)}`)?.has(eth1?.hostIfname ?? ''));
    await assert.rejects(networking.connect('bridge_1', 'nginx004'), kindIs('forbidden', /endpoint with name nginx004 already exists in network bridge_1/));
    await assert.rejects(networking.connect('host', 'nginx004'), kindIs('invalid', /connected to host network/));
    await networking.disconnect('bridge_1', 'nginx004');
    assert.deepEqual(endpoints.endpointsOfContainer(id).map((endpoint) => endpoint.ifname), ['eth0']);
    await assert.rejects(networking.disconnect('bridge_1', 'nginx004'), kindIs('system', new RegExp(`container ${id} is not connected to network bridge_1`)));
    // Stopped: recorded, then attached as eth1 at the next start.
    await service.stop(id, 0);
    await networking.connect('bridge_1', 'nginx004', { ipv4Address: '172.30.0.50' });
    await service.start(id);
    assert.equal(endpoints.endpointsOfContainer(id).find((endpoint) => endpoint.ifname === 'eth1')?.ipv4Address, '172.30.0.50/16');
  } finally {
    await done();
  }
});

test('network connect with links: recorded on the endpoint request of a user-defined network; refused on the default bridge, nothing recorded', async () => {
  const { service, networks, endpoints, done } = await setup();
  try {
    const { ContainerNetworking } = await import('./container-networks.js');
    const { networkRequest } = await import('../networks/network-request.test-support.js');
    const networking = new ContainerNetworking({ containers: service, networks, endpoints });
    await networks.create(networkRequest('front', { subnets: [{ subnet: '172.30.0.0/16' }] }));
    const { id } = await service.create(create({ HostConfig: { NetworkMode: 'front' } }), 'client');
    await assert.rejects(networking.connect('bridge', 'client', { links: [{ name: 'other', alias: 'o' }] }), kindIs('invalid', /EndpointConfig\.Links \(--link\) on the predefined network bridge/));
    assert.equal(service.get(id).endpointRequests['bridge'], undefined);
    await networking.disconnect('front', 'client');
    await networking.connect('front', 'client', { aliases: ['c'], links: [{ name: 'other', alias: 'legacy' }] });
    assert.deepEqual(service.get(id).endpointRequests['front']?.links, [{ name: 'other', alias: 'legacy' }]);
  } finally {
    await done();
  }
});

test('restart, kill signals, wait conditions and list live in the engine', async () => {
  const { runtime, service, done } = await setup();
  try {
    const { id } = await service.create(create({ Labels: { tier: 'web' } }), 'r1');
    const { id: other } = await service.create(create({}), 'r2');
    await service.start(id);
    // Restart: stopped (143 from SIGTERM) and running again under a new pid.
    const pid = service.get(id).state.pid;
    await service.restart(id, 1);
    assert.equal(service.get(id).state.status, 'running');
    assert.notEqual(service.get(id).state.pid, pid);
    // List: running only unless all; newest first; filters; limit.
    const { parseFilters } = await import('../../util/filters.js');
    const { CONTAINER_FILTERS } = await import('./list-filter.js');
    const query = (all: boolean, filters = '', limit = -1) => ({ all, limit, filters: parseFilters(filters, CONTAINER_FILTERS) });
    assert.deepEqual(service.list(query(false), () => []).map((c) => c.name), ['r1']);
    assert.equal(service.list(query(true), () => []).length, 2);
    assert.deepEqual(service.list(query(true, '{"label":["tier=web"]}'), () => []).map((c) => c.name), ['r1']);
    assert.deepEqual(service.list(query(true, '{"network":["bridge"]}'), (c) => (c.id === other ? ['bridge'] : [])).map((c) => c.name), ['r2']);
    assert.equal(service.list(query(true, '', 1), () => []).length, 1);
    assert.throws(() => service.list(query(true, '{"status":["up"]}'), () => []), { kind: 'invalid', message: 'Unrecognised filter value for status: up' });
    // Wait: a bad condition or container throws at once (before any response is sent).
    assert.throws(() => service.wait(id, 'stopped'), { kind: 'invalid', message: 'invalid condition: "stopped"' });
    assert.throws(() => service.wait('nosuch'), { kind: 'not-found' });
    assert.equal(await service.wait(other), 0, 'not-running: a created container answers at once');
    const nextExit = service.wait(id, 'next-exit');
    const removed = service.wait(id, 'removed');
    // Kill: the signal is normalised before it reaches the runtime (the fake exits 137 on SIGKILL).
    await assert.rejects(service.kill(id, 'bad signal'), { kind: 'invalid', message: 'Invalid signal: bad signal' });
    await service.kill(id, 'KILL');
    assert.equal(await nextExit, 137);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await service.remove(id);
    assert.equal(await removed, 137);
    assert.equal(runtime.removed.includes(id), true);
  } finally {
    await done();
  }
});

test('a container stored by the previous version (port maps keyed "80/tcp") loads typed', async () => {
  const { service, store, done } = await setup();
  try {
    const { id } = await service.create(create({ HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '8080' }] } } }), 'old');
    const stored = service.get(id);
    const old = { ...stored, hostConfig: { ...stored.hostConfig, portBindings: { '80/tcp': [{ hostIp: '', hostPort: '8080' }] } }, ports: { '80/tcp': [{ hostIp: '0.0.0.0', hostPort: '8080' }] } };
    const { put } = await import('../../store/index.js');
    await store.commit([put('container', id, old)]);
    await service.load();
    assert.deepEqual(service.get(id).hostConfig.portBindings, [{ containerPort: 80, protocol: 'tcp', hostIp: '', hostPort: { start: 8080, end: 8080 } }]);
    assert.deepEqual(service.get(id).ports, [{ containerPort: 80, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 8080 }]);
  } finally {
    await done();
  }
});
