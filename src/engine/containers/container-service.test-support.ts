/** ContainerService on the fake kernel, a fake runtime and fake ports, as the unit tests use it. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineFixture } from '../engine.test-support.js';
import { ContainerService } from './container-service.js';
import { FakePorts, FakeRuntime } from './fake-runtime.test-support.js';
import type { PortPublisher } from './dependencies.js';
import { NetworkAttacher } from './network-attach.js';

export interface ContainerFixtureOptions {
  /** The port publisher (default FakePorts), made from the fixture's kernel and firewall. */
  ports?: (engine: Awaited<ReturnType<typeof engineFixture>>) => PortPublisher;
}

export async function containerFixture(options: ContainerFixtureOptions = {}) {
  const directory = await mkdtemp(join(tmpdir(), 'conet-unit-'));
  const engine = await engineFixture();
  const { kernel, store, networks, endpoints, index, firewall } = engine;
  const runtime = new FakeRuntime();
  const fakePorts = new FakePorts();
  const ports = options.ports?.(engine) ?? fakePorts;
  const attacher = new NetworkAttacher({ networks, endpoints, sandboxes: kernel.sandboxes, containers: index.containers, daemonShortId: 'd0' });
  const service = new ContainerService({
    store,
    index: index.containers,
    images: {
      find: (ref) => (ref.startsWith('busybox') || ref.startsWith('nginx') ? { id: 'sha256:abc', cmd: ['sh'], entrypoint: null, env: ['PATH=/bin'], workingDir: '', user: '', exposedPorts: ref.startsWith('nginx') ? ['80/tcp', '443/tcp'] : [] } : undefined),
      layersOf: () => ['/nonexistent/rootfs'],
    },
    runtime,
    attacher,
    ports,
    directory,
    interfaceOf: (network) => network.options['com.docker.network.bridge.name'] ?? `br-${network.id.slice(0, 12)}`,
    hostFiles: { resolvConf: 'nameserver 10.0.0.53\n', hosts: '127.0.0.1 localhost\n' },
  });
  const done = () => rm(directory, { recursive: true, force: true });
  return { kernel, runtime, ports: fakePorts, publisher: ports, service, networks, endpoints, directory, store, firewall, done };
}
