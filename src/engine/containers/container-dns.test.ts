/** The engine's side of embedded DNS on fakes: rules at start, resolv.conf, re-pointing on connect/disconnect. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedDns } from '../../dns/embedded-dns.js';
import { engineFixture } from '../engine.test-support.js';
import { networkRequest } from '../networks/network-request.test-support.js';
import { ContainerNetworking } from './container-networks.js';
import { ContainerService, type ResolverTarget } from './container-service.js';
import { decodeContainerCreate } from '../../api/decode/container-create.js';
import { FakePorts, FakeRuntime } from './fake-runtime.test-support.js';
import { NetworkAttacher } from './network-attach.js';

async function setup() {
  const directory = await mkdtemp(join(tmpdir(), 'conet-unit-dns-'));
  const { kernel, store, networks, endpoints } = await engineFixture();
  const runtime = new FakeRuntime();
  const installs: Array<{ netnsPath: string; target: ResolverTarget }> = [];
  let service: ContainerService | undefined;
  // Only targetFor of the real EmbeddedDns is used (no sockets are opened here).
  const dns = new EmbeddedDns({ networks: () => networks.all(), endpointsOf: (id) => endpoints.endpointsOf(id), container: (id) => service?.find(id), port: 40053 });
  const releases: string[] = [];
  const attacher = new NetworkAttacher({ networks, endpoints, sandboxes: kernel.sandboxes, containers: { find: (ref) => service?.find(ref) }, daemonShortId: 'd0' });
  service = new ContainerService({
    store,
    images: { find: () => ({ id: 'sha256:abc', cmd: ['sh'], entrypoint: null, env: [], workingDir: '', user: '', exposedPorts: [] }), layersOf: () => ['/nonexistent'] },
    runtime,
    attacher,
    ports: new FakePorts(),
    directory,
    interfaceOf: (network) => `br-${network.id.slice(0, 12)}`,
    hostFiles: { resolvConf: 'nameserver 10.0.0.53\nsearch lan\n', hosts: '127.0.0.1 localhost\n' },
    dns: {
      targetFor: (attached) => dns.targetFor(attached),
      install: async (netnsPath, target) => {
        installs.push({ netnsPath, target });
      },
      release: (containerId) => void releases.push(containerId),
    },
  });
  const networking = new ContainerNetworking({ containers: service, networks, endpoints });
  await networks.create(networkRequest('a', { subnets: [{ subnet: '10.10.0.0/24' }] }));
  await networks.create(networkRequest('b', { subnets: [{ subnet: '10.20.0.0/24' }] }));
  return { service, runtime, networking, installs, releases, done: () => rm(directory, { recursive: true, force: true }) };
}

const create = (network: string) => decodeContainerCreate({ Image: 'busybox', Cmd: ['sleep', '60'], HostConfig: { NetworkMode: network } });

test('a start on a user-defined network installs the rules before the process runs and writes 127.0.0.11', async () => {
  const { service, runtime, installs, done } = await setup();
  try {
    const { id } = await service.create(create('a'), 'web');
    await service.start(id);
    assert.deepEqual(installs.map((entry) => entry.target), [{ address: '127.0.0.11', port: 40053 }]);
    assert.equal(installs[0]?.netnsPath, `/run/netns/conet-d0-${id.slice(0, 12)}`);
    const spec = runtime.started.get(id);
    assert.equal(await readFile(spec?.etc.resolvConf ?? '', 'utf8'), 'search lan\nnameserver 127.0.0.11\noptions ndots:0\n');
  } finally {
    await done();
  }
});

test('the default bridge gets no rules; connecting it to a user-defined network switches it over', async () => {
  const { service, runtime, networking, installs, releases, done } = await setup();
  try {
    const { id } = await service.create(create('default'), 'plain');
    await service.start(id);
    assert.equal(installs.length, 0);
    const resolv = runtime.started.get(id)?.etc.resolvConf ?? '';
    assert.equal(await readFile(resolv, 'utf8'), 'search lan\nnameserver 10.0.0.53\n');
    await networking.connect('b', 'plain');
    assert.deepEqual(installs.map((entry) => entry.target.address), ['127.0.0.11']);
    assert.equal(await readFile(resolv, 'utf8'), 'search lan\nnameserver 127.0.0.11\noptions ndots:0\n');
    // The listeners are the container's own, whatever its networks: a second one changes nothing.
    await networking.connect('a', 'plain');
    await networking.disconnect('b', 'plain');
    assert.equal(installs.length, 1);
    assert.deepEqual(releases, []);
    // Leaving its last DNS network closes its listeners (they hold its namespace).
    await networking.disconnect('a', 'plain');
    assert.deepEqual(releases, [id]);
    await networking.connect('a', 'plain');
    assert.equal(installs.length, 2, 'and joining one again opens them again');
  } finally {
    await done();
  }
});
