/** startEngine on the fake kernel: a first start, then a restart that adopts a running container. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DriverRegistry } from '../drivers/driver.js';
import { BridgeDriver } from '../drivers/bridge/driver.js';
import { NftBridgeFirewall } from '../drivers/common/bridge-firewall.js';
import { HostDriver } from '../drivers/host/driver.js';
import { NullDriver } from '../drivers/null/driver.js';
import { FirewallService } from '../firewall/firewall-service.js';
import { DEFAULT_ADDRESS_POOLS } from '../ipam/index.js';
import { FakeKernel } from '../kernel/fake/fake-kernel.js';
import { MemoryStore } from '../store/index.js';
import type { Logger } from '../util/logger.js';
import { ContainerService } from './containers/container-service.js';
import { decodeContainerCreate } from '../api/decode/container-create.js';
import { FakePorts, FakeRuntime } from './containers/fake-runtime.test-support.js';
import { NetworkAttacher } from './containers/network-attach.js';
import { EngineIndex } from './engine-index.js';
import { EndpointService } from './networks/endpoint-service.js';
import { indexEndpointSource } from './networks/endpoint-source.js';
import { NetworkService } from './networks/network-service.js';
import { startEngine } from './startup.js';

/** One daemon process's engine over a store and kernel that outlive it; `steps` records the order. */
function life(store: MemoryStore, kernel: FakeKernel, directory: string, dnsPort: number) {
  const steps: string[] = [];
  const logger: Logger = { debug: () => undefined, info: (message) => steps.push(message), warn: (message) => steps.push(message), error: (message) => steps.push(message) };
  const drivers = new DriverRegistry();
  drivers.register(new BridgeDriver({ kernel, firewall: new NftBridgeFirewall(new FirewallService(kernel.firewall, 'conet')), defaultMtu: 1500 }));
  drivers.register(new HostDriver());
  drivers.register(new NullDriver());
  const index = new EngineIndex();
  const networks = new NetworkService({ store, drivers, links: kernel.links, pools: DEFAULT_ADDRESS_POOLS, endpoints: indexEndpointSource(index), index: index.networks });
  const endpoints = new EndpointService({ store, drivers, networks, index: index.endpoints });
  const attacher = new NetworkAttacher({ networks, endpoints, sandboxes: kernel.sandboxes, containers: index.containers, daemonShortId: 'd0' });
  const runtime = new FakeRuntime();
  const containers = new ContainerService({
    store, index: index.containers, runtime, attacher, ports: new FakePorts(), directory,
    images: { find: () => ({ id: 'sha256:abc', cmd: ['sh'], entrypoint: null, env: [], workingDir: '', user: '', exposedPorts: [] }), layersOf: () => ['/nonexistent'] },
    interfaceOf: () => 'conet0',
    hostFiles: { resolvConf: 'nameserver 10.0.0.53\n', hosts: '127.0.0.1 localhost\n' },
  });
  const start = (running: ReadonlySet<string>) => startEngine({
    networks, endpoints, containers, store, logger, sandboxes: kernel.sandboxes, links: kernel.links, daemonShortId: 'd0',
    isRunning: async (id) => running.has(id),
    exitCode: async () => 137,
    interfaceOf: () => 'conet0',
    restorePorts: () => undefined,
    dns: { port: dnsPort },
    images: { start: async () => void steps.push('images') },
    defaultBridge: { name: 'conet0', subnet: '172.17.0.0/16', mtu: 1500, icc: true, masquerade: true },
  });
  return { steps, networks, containers, runtime, start };
}

test('start-up: predefined networks and the bridge, adoption, in order', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'conet-unit-'));
  const store = new MemoryStore();
  const kernel = new FakeKernel();
  try {
    const first = life(store, kernel, directory, 40001);
    await first.start(new Set());
    assert.deepEqual(first.networks.all().map((network) => network.name).sort(), ['bridge', 'host', 'none']);
    assert.ok(kernel.linkMap.has('conet0'), 'reconcile made the default bridge');
    assert.deepEqual(first.steps, ['recovered containers', 'reconciled kernel state', 'embedded dns ready', 'images']);
    const { id: keep } = await first.containers.create(decodeContainerCreate({ Image: 'busybox', Cmd: ['sleep', '60'] }), 'keep');
    const { id: gone } = await first.containers.create(decodeContainerCreate({ Image: 'busybox', Cmd: ['sleep', '60'] }), 'gone');
    await first.containers.start(keep);
    await first.containers.start(gone);

    // The daemon restarts; `keep` is still running under its monitor, `gone` died meanwhile.
    const second = life(store, kernel, directory, 40001);
    await second.start(new Set([keep]));
    assert.equal(second.containers.get(keep).state.status, 'running');
    assert.equal(second.containers.get(gone).state.status, 'exited');
    assert.equal(second.containers.get(gone).state.exitCode, 137);
    second.runtime.exit(keep, 0);
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(second.containers.get(keep).state.status, 'exited', 'the adopted container is watched again');
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});
