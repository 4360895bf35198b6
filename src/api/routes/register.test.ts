/** The whole route table in process, over the engine on fakes: one bundle in, every route answering. */
import { ContainerResourceService } from '../../engine/containers/container-resources.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerArchives } from '../../engine/containers/container-archive.js';
import { ContainerNetworking } from '../../engine/containers/container-networks.js';
import { ContainerService } from '../../engine/containers/container-service.js';
import { decodeContainerCreate } from '../decode/container-create.js';
import type { ContainerFiles, ContainerStreams } from '../../engine/containers/dependencies.js';
import { FakePorts, FakeRuntime } from '../../engine/containers/fake-runtime.test-support.js';
import { NetworkAttacher } from '../../engine/containers/network-attach.js';
import { engineFixture } from '../../engine/engine.test-support.js';
import { ExecService } from '../../engine/exec/exec-service.js';
import { EventBus } from '../../engine/events/event-bus.js';
import type { ImageCatalog } from '../../engine/images/catalog.js';
import { indexEndpointSource } from '../../engine/networks/endpoint-source.js';
import { FakeVolumeHost } from '../../engine/volumes/fake-volume-host.test-support.js';
import { VolumeService } from '../../engine/volumes/volume-service.js';
import { Router } from '../router.js';
import { createApiServer, listenUnix } from '../server.js';
import { registerRoutes } from './register.js';

function get(socketPath: string, path: string, method = 'GET', body?: string): Promise<{ status: number; body: unknown; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { 'Content-Type': 'application/json' };
    const call = request({ socketPath, path, method, headers }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : undefined, headers: response.headers }));
    });
    call.on('error', reject);
    call.end(body);
  });
}

async function apiOnFakes(directory: string) {
  const { kernel, store, networks, endpoints, index } = await engineFixture();
  const events = new EventBus();
  const runtime = new FakeRuntime();
  const attacher = new NetworkAttacher({ networks, endpoints, sandboxes: kernel.sandboxes, containers: index.containers, daemonShortId: 'd0' });
  const containers = new ContainerService({
    store, index: index.containers, runtime, attacher, ports: new FakePorts(), directory,
    images: { find: () => ({ id: 'sha256:abc', cmd: ['sh'], entrypoint: null, env: [], workingDir: '', user: '', exposedPorts: [] }), layersOf: () => ['/nonexistent'] },
    interfaceOf: () => 'conet0',
    bus: events,
    hostFiles: { resolvConf: 'nameserver 10.0.0.53\n', hosts: '127.0.0.1 localhost\n' },
  });
  const images = { list: () => [{}, {}] } as unknown as ImageCatalog;
  const streams = {} as ContainerStreams;
  // `docker cp` on a fake root: /etc/hostname exists, nothing else does.
  const files = {
    withRoot: (_directory, _layers, task) => task('/fake-root'),
    stat: async (_root, path) => (path === '/etc/hostname' ? { name: 'hostname', size: 13, mode: 0o100644, mtime: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), linkTarget: '' } : undefined),
  } as ContainerFiles;
  const router = new Router();
  registerRoutes(router, {
    system: {
      id: 'daemon-1', dataRoot: directory, startedAt: '2024-01-01T00:00:00.000Z',
      networkDrivers: () => ['bridge', 'host', 'null'],
      forwarding: async () => ({ ipv4Forwarding: true, bridgeNfIptables: true, bridgeNfIp6tables: false }),
    },
    networks, networkEndpoints: indexEndpointSource(index), endpoints, images, containers, streams,
    networking: new ContainerNetworking({ containers, networks, endpoints }),
    execs: new ExecService(containers, streams),
    archives: new ContainerArchives(containers, files, { layersOf: () => [] }),
    sandboxPath: (name) => `/run/netns/${name}`,
    confinement: { appArmor: false, seccompProfile: 'default' },
    volumes: new VolumeService({ store, host: new FakeVolumeHost(), users: { usersOf: () => [] } }),
    events,
    commands: {
      top: async () => ({ titles: ['PID', 'CMD'], processes: [['42', 'sleep 60']] }),
      prune: async () => ({ deleted: [], reclaimed: 0 }),
      diskUsage: async () => ({ layersSize: 7, images: [], containers: [], buildCache: [] }),
    },
    resources: new ContainerResourceService({ containers, runtime, metrics: { sample: () => Promise.reject(new Error('not running')) } }),
    resourceLimits: { cpus: 2 },
  });
  return { router, containers };
}

test('registerRoutes: system, network and container routes answer from the services given', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'conet-unit-'));
  const { router, containers } = await apiOnFakes(directory);
  const server = createApiServer(router, { request: () => undefined, error: () => undefined });
  const socket = join(directory, 'api.sock');
  try {
    await listenUnix(server, socket);
    const { id } = await containers.create(decodeContainerCreate({ Image: 'busybox', Cmd: ['sleep', '60'] }), 'web');
    await containers.start(id);
    await containers.create(decodeContainerCreate({ Image: 'busybox' }), 'idle');
    const info = (await get(socket, '/v1.41/info')).body as Record<string, unknown>;
    assert.deepEqual([info.ID, info.Containers, info.ContainersRunning, info.ContainersStopped, info.Images], ['daemon-1', 2, 1, 1, 2]);
    assert.deepEqual([info.IPv4Forwarding, info.BridgeNfIptables, info.BridgeNfIp6tables], [true, true, false]);
    assert.deepEqual(info.SecurityOptions, ['name=seccomp,profile=default'], 'the confinement given reaches /info');
    const bridge = (await get(socket, '/v1.41/networks/bridge')).body as { Containers: Record<string, unknown> };
    assert.deepEqual(Object.keys(bridge.Containers), [id], 'network inspect lists the endpoint through the index');
    const listed = (await get(socket, '/v1.41/containers/json')).body as Array<{ Id: string }>;
    assert.deepEqual(listed.map((entry) => entry.Id), [id]);
    assert.equal((await get(socket, '/v1.41/containers/idle/json')).status, 200);
    assert.equal((await get(socket, '/v1.41/exec/nope/json')).status, 404);
    const stat = await get(socket, '/v1.41/containers/web/archive?path=%2Fetc%2Fhostname', 'HEAD');
    assert.equal(stat.status, 200, 'HEAD archive is its own route, not the GET one');
    const header = JSON.parse(Buffer.from(String(stat.headers['x-docker-container-path-stat']), 'base64').toString());
    assert.deepEqual(header, { name: 'hostname', size: 13, mode: 0o644, mtime: '2024-01-02T03:04:05Z', linkTarget: '' });
    assert.equal((await get(socket, '/v1.41/containers/web/archive?path=%2Fnope', 'HEAD')).status, 404);
    assert.deepEqual((await get(socket, '/v1.41/containers/web/archive?path=%2Fnope')).body, { message: 'Could not find the file /nope in container web' });
    const empty = await get(socket, '/v1.41/containers/web/archive?path=');
    assert.deepEqual([empty.status, empty.body], [400, { message: 'bad parameter: path cannot be empty' }]);
    assert.equal((await get(socket, '/v1.41/containers/ghost/archive?path=%2F', 'HEAD')).status, 404);
    const build = await get(socket, '/v1.41/build', 'POST', 'not a tar');
    assert.equal(build.status, 501);
    assert.match((build.body as { message: string }).message, /conet does not build images/);
    assert.equal((await get(socket, '/v1.41/build/prune', 'POST')).status, 501);
    assert.deepEqual((await get(socket, '/v1.41/containers/web/top')).body, { Titles: ['PID', 'CMD'], Processes: [['42', 'sleep 60']] });
    assert.deepEqual((await get(socket, '/v1.41/containers/prune', 'POST')).body, { ContainersDeleted: null, SpaceReclaimed: 0 });
    assert.deepEqual((await get(socket, '/v1.41/system/df')).body, { LayersSize: 7, Images: [], Containers: [], Volumes: null, BuildCache: [] });
    assert.equal((await get(socket, '/v1.41/system/df?type=nope')).status, 400);
    const update = await get(socket, '/v1.41/containers/idle/update', 'POST', JSON.stringify({ CpuRealtimeRuntime: 950000, Memory: 1 << 26 }));
    assert.deepEqual([update.status, update.body], [400, { message: 'conet does not support CpuRealtimeRuntime (--cpu-rt-runtime) yet' }]);
    const small = await get(socket, '/v1.41/containers/idle/update', 'POST', JSON.stringify({ Memory: 1 << 20 }));
    assert.deepEqual([small.status, small.body], [400, { message: 'Minimum memory limit allowed is 6MB (Memory)' }]);
    const updated = await get(socket, '/v1.41/containers/idle/update', 'POST', JSON.stringify({ Memory: 1 << 26, PidsLimit: 20 }));
    assert.deepEqual([updated.status, updated.body], [200, { Warnings: [] }]);
    const inspected = await get(socket, '/v1.41/containers/idle/json');
    const host = (inspected.body as { HostConfig: Record<string, unknown> }).HostConfig;
    assert.deepEqual([host['Memory'], host['MemorySwap'], host['PidsLimit']], [1 << 26, 0, 20], 'inspect shows the update');
    const stats = await get(socket, '/v1.41/containers/idle/stats?stream=false');
    assert.equal(stats.status, 200);
    assert.deepEqual((stats.body as { name: string; memory_stats: unknown }).name, '/idle', 'a stopped container has an empty frame');
    assert.equal((await get(socket, '/v1.41/containers/nosuch/update', 'POST', '{}')).status, 404);
    const volume = await get(socket, '/v1.41/volumes/create', 'POST', JSON.stringify({ Name: 'data', Labels: { a: 'b' } }));
    assert.deepEqual([volume.status, (volume.body as { Mountpoint: string }).Mountpoint], [201, '/var/lib/conet/volumes/data/_data']);
    assert.deepEqual(((await get(socket, '/v1.41/volumes')).body as { Volumes: Array<{ Name: string }> }).Volumes.map((entry) => entry.Name), ['data']);
    assert.equal((await get(socket, '/v1.41/volumes/data')).status, 200);
    assert.equal((await get(socket, '/v1.41/volumes/data', 'DELETE')).status, 204);
    assert.equal((await get(socket, '/v1.41/volumes/data')).status, 404);
  } finally {
    server.close();
    await rm(directory, { recursive: true, force: true });
  }
});

test('POST /containers/{id}/wait: 200 clients that leave take their waiters with them', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'conet-unit-'));
  const { router, containers } = await apiOnFakes(directory);
  const server = createApiServer(router, { request: () => undefined, error: () => undefined });
  const socket = join(directory, 'api.sock');
  try {
    await listenUnix(server, socket);
    const { id } = await containers.create(decodeContainerCreate({ Image: 'busybox', Cmd: ['sleep', '60'] }), 'web');
    await containers.start(id);
    const calls = Array.from({ length: 200 }, (_, index) => {
      const call = request({ socketPath: socket, method: 'POST', path: `/v1.41/containers/web/wait${index % 2 ? '?condition=removed' : ''}` });
      call.on('error', () => undefined);
      call.end();
      return call;
    });
    const deadline = Date.now() + 10_000;
    while (containers.waiters.count() < 200 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(containers.waiters.count(), 200, 'all waits registered');
    for (const call of calls) call.destroy();
    while (containers.waiters.count() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(containers.waiters.count(), 0, 'no waiter outlives its client');
  } finally {
    server.closeAllConnections?.();
    server.close();
    await rm(directory, { recursive: true, force: true });
  }
});
