/** The whole route table in process, over the engine on fakes: one bundle in, every route answering. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerNetworking } from '../../engine/containers/container-networks.js';
import { ContainerService } from '../../engine/containers/container-service.js';
import { decodeContainerCreate } from '../decode/container-create.js';
import type { ContainerStreams } from '../../engine/containers/dependencies.js';
import { FakePorts, FakeRuntime } from '../../engine/containers/fake-runtime.test-support.js';
import { NetworkAttacher } from '../../engine/containers/network-attach.js';
import { engineFixture } from '../../engine/engine.test-support.js';
import { ExecService } from '../../engine/exec/exec-service.js';
import type { ImageCatalog } from '../../engine/images/catalog.js';
import { indexEndpointSource } from '../../engine/networks/endpoint-source.js';
import { Router } from '../router.js';
import { createApiServer, listenUnix } from '../server.js';
import { registerRoutes } from './register.js';

function get(socketPath: string, path: string, method = 'GET', body?: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { 'Content-Type': 'application/json' };
    const call = request({ socketPath, path, method, headers }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    call.on('error', reject);
    call.end(body);
  });
}

async function apiOnFakes(directory: string) {
  const { kernel, store, networks, endpoints, index } = await engineFixture();
  const attacher = new NetworkAttacher({ networks, endpoints, sandboxes: kernel.sandboxes, containers: index.containers, daemonShortId: 'd0' });
  const containers = new ContainerService({
    store, index: index.containers, runtime: new FakeRuntime(), attacher, ports: new FakePorts(), directory,
    images: { find: () => ({ id: 'sha256:abc', cmd: ['sh'], entrypoint: null, env: [], workingDir: '', user: '', exposedPorts: [] }), layersOf: () => ['/nonexistent'] },
    interfaceOf: () => 'conet0',
    hostFiles: { resolvConf: 'nameserver 10.0.0.53\n', hosts: '127.0.0.1 localhost\n' },
  });
  const images = { list: () => [{}, {}] } as unknown as ImageCatalog;
  const streams = {} as ContainerStreams;
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
    sandboxPath: (name) => `/run/netns/${name}`,
    confinement: { appArmor: false, seccompProfile: 'default' },
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
    const build = await get(socket, '/v1.41/build', 'POST', 'not a tar');
    assert.equal(build.status, 501);
    assert.match((build.body as { message: string }).message, /conet does not build images/);
    assert.equal((await get(socket, '/v1.41/build/prune', 'POST')).status, 501);
    const update = await get(socket, '/v1.41/containers/idle/update', 'POST', JSON.stringify({ Memory: 1 << 26 }));
    assert.deepEqual([update.status, update.body], [400, { message: 'conet does not support Memory (--memory) yet' }]);
    assert.deepEqual(await get(socket, '/v1.41/containers/idle/update', 'POST', '{}'), { status: 200, body: { Warnings: [] } });
    assert.equal((await get(socket, '/v1.41/containers/nosuch/update', 'POST', '{}')).status, 404);
  } finally {
    server.close();
    await rm(directory, { recursive: true, force: true });
  }
});
