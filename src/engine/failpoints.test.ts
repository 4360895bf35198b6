/**
 * Every failpoint in `error` mode, on the fake kernel: the operation it interrupts fails with the
 * failpoint's 500, and afterwards the kernel (every namespace's links, addresses and routes), the
 * firewall's table, the store, the container directories, the fake runtime's processes and the
 * API views are exactly as before the request. Then the same operation, failpoints off, succeeds
 * (nothing it needs, a name, an address, a host port, was left taken).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { decodeContainerCreate } from '../api/decode/container-create.js';
import { EngineError } from '../errors/index.js';
import { PortAllocator } from '../ports/allocator.js';
import { NftPortPublisher } from '../ports/publisher.js';
import { configureFailpoints, FAILPOINTS, type FailpointName } from '../util/failpoint.js';
import { ContainerNetworking } from './containers/container-networks.js';
import { containerFixture } from './containers/container-service.test-support.js';
import { networkRequest } from './networks/network-request.test-support.js';

type Fixture = Awaited<ReturnType<typeof containerFixture>>;

const create = (body: Record<string, unknown>) => decodeContainerCreate({ Image: 'busybox', Cmd: ['sleep', '60'], ...body });
const withPort = () => create({ ExposedPorts: { '80/tcp': {} }, HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '8080' }] } } });

async function fixture(): Promise<Fixture & { networking: ContainerNetworking }> {
  const made = await containerFixture({
    ports: (engine) => new NftPortPublisher({ firewall: engine.firewall, allocator: new PortAllocator({ start: 32768, end: 60999 }), probe: { inUse: async () => false }, sysctl: engine.kernel.sysctl }),
  });
  return { ...made, networking: new ContainerNetworking({ containers: made.service, networks: made.networks, endpoints: made.endpoints }) };
}

/** One use case: what exists before it, and the operation the failpoints interrupt. */
interface Scenario {
  name: string;
  points: FailpointName[];
  prepare(f: Fixture & { networking: ContainerNetworking }): Promise<void>;
  operation(f: Fixture & { networking: ContainerNetworking }): Promise<unknown>;
}

const startPoints: FailpointName[] = ['endpoint.connect.after-veth', 'endpoint.connect.after-store', 'container.start.after-network', 'ports.publish.after-reserve', 'ports.publish.after-nft', 'container.start.after-ports', 'container.start.after-runtime', 'container.start.after-store'];

const SCENARIOS: Scenario[] = [
  { name: 'network create', points: ['network.create.after-bridge', 'network.create.after-firewall', 'network.create.after-store'], prepare: async () => {}, operation: (f) => f.networks.create(networkRequest('app')) },
  {
    name: 'network rm',
    points: ['network.rm.after-firewall', 'network.rm.after-kernel'],
    prepare: async (f) => void (await f.networks.create(networkRequest('app'))),
    operation: (f) => f.networks.remove('app'),
  },
  { name: 'container create', points: ['container.create.after-dir', 'container.create.after-store'], prepare: async () => {}, operation: (f) => f.service.create(withPort(), 'c1') },
  { name: 'container start (-p 8080:80)', points: startPoints, prepare: async (f) => void (await f.service.create(withPort(), 'c1')), operation: (f) => f.service.start('c1') },
  {
    name: 'container start on a user network',
    points: ['endpoint.connect.after-veth', 'endpoint.connect.after-store', 'container.start.after-network'],
    prepare: async (f) => {
      await f.networks.create(networkRequest('app'));
      await f.service.create(create({ HostConfig: { NetworkMode: 'app' } }), 'c1');
    },
    operation: (f) => f.service.start('c1'),
  },
  {
    name: 'live connect',
    points: ['endpoint.connect.after-veth', 'endpoint.connect.after-store', 'container.connect.after-endpoint'],
    prepare: async (f) => {
      await f.networks.create(networkRequest('app'));
      await f.service.create(create({}), 'c1');
      await f.service.start('c1');
    },
    operation: (f) => f.networking.connect('app', 'c1'),
  },
  {
    name: 'live disconnect',
    points: ['endpoint.disconnect.after-unplug', 'container.disconnect.after-endpoint'],
    prepare: async (f) => {
      await f.networks.create(networkRequest('app'));
      await f.service.create(create({}), 'c1');
      await f.service.start('c1');
      await f.networking.connect('app', 'c1');
    },
    operation: (f) => f.networking.disconnect('app', 'c1'),
  },
  { name: 'container rm', points: ['container.rm.after-store'], prepare: async (f) => void (await f.service.create(withPort(), 'c1')), operation: (f) => f.service.remove('c1') },
];

/** Everything an operation could leave behind, in a comparable form. */
async function snapshot(f: Fixture): Promise<unknown> {
  const namespaces = f.kernel.namespaces.paths().sort().map((path) => {
    const ns = f.kernel.namespaces.at({ netns: path });
    const links = [...ns.links.values()].map(({ index: _index, ...link }) => link).sort((a, b) => a.name.localeCompare(b.name));
    return { path, links, routes: f.kernel.namespaces.routesOf(ns) };
  });
  // A failed start records its error in the container's state, as Docker's does: not a trace.
  const containers = f.service.all().map((container) => ({ ...container, state: { ...container.state, error: '' } }));
  return {
    namespaces,
    firewall: f.firewall.snapshot(),
    store: {
      networks: await f.store.list('network'),
      endpoints: await f.store.list('endpoint'),
      containers: ((await f.store.list('container')) as Array<{ state: object }>).map((container) => ({ ...container, state: { ...container.state, error: '' } })),
    },
    directories: (await readdir(f.directory)).sort(),
    processes: [...f.runtime.alive].sort(),
    api: { networks: f.networks.all(), endpoints: f.networks.all().map((network) => f.endpoints.endpointsOf(network.id)), containers },
  };
}

/** The failpoint's 500; a step may wrap it in its own (ports: Docker's "driver failed programming..."). */
const isFailpoint = (name: string) => (error: unknown) => error instanceof EngineError && error.kind === 'system' && error.message.includes(`failpoint ${name} triggered`);

test('the scenarios cover every failpoint', () => {
  const covered = new Set(SCENARIOS.flatMap((scenario) => scenario.points));
  assert.deepEqual(FAILPOINTS.filter((name) => !covered.has(name)), []);
});

for (const scenario of SCENARIOS) {
  for (const point of scenario.points) {
    test(`${scenario.name}: ${point}=error leaves no trace, and the retry succeeds`, async () => {
      const f = await fixture();
      try {
        await scenario.prepare(f);
        const before = await snapshot(f);
        configureFailpoints(new Map([[point, 'error']]));
        try {
          await assert.rejects(scenario.operation(f), isFailpoint(point));
        } finally {
          configureFailpoints(undefined);
        }
        // Rollbacks that run off the request path (an exit's release) settle first.
        await new Promise((resolve) => setTimeout(resolve, 10));
        assert.deepEqual(await snapshot(f), before);
        await scenario.operation(f);
      } finally {
        configureFailpoints(undefined);
        await f.done();
      }
    });
  }
}
