/**
 * Cluster mode on fakes, as the unit tests use it: "nodes", each its own engine (NetworkService,
 * EndpointService, overlay driver) on a fake kernel and a fake overlay port, sharing one memory
 * cluster backend.
 */
import { MemoryClusterBackend, MemoryClusterStore } from '../../cluster/memory-cluster-store.js';
import { DriverRegistry } from '../../drivers/driver.js';
import { BridgeDriver } from '../../drivers/bridge/driver.js';
import { NftBridgeFirewall } from '../../drivers/common/bridge-firewall.js';
import { OverlayDriver } from '../../drivers/overlay/driver.js';
import { FirewallService } from '../../firewall/firewall-service.js';
import { DEFAULT_ADDRESS_POOLS } from '../../ipam/index.js';
import { FakeKernel } from '../../kernel/fake/fake-kernel.js';
import { FakeOverlay } from '../../kernel/fake/fake-overlay.js';
import { MemoryStore } from '../../store/index.js';
import type { Logger } from '../../util/logger.js';
import { EndpointService } from '../networks/endpoint-service.js';
import { NetworkService } from '../networks/network-service.js';
import type { CreateNetworkRequest } from '../networks/network-request.js';
import { ClusterState } from './cluster-state.js';

export interface Node {
  name: string;
  address: string;
  kernel: FakeKernel;
  overlay: FakeOverlay;
  store: MemoryClusterStore;
  cluster: ClusterState;
  networks: NetworkService;
  endpoints: EndpointService;
  connect(network: string, container: string): Promise<string>;
}

export async function makeNode(backend: MemoryClusterBackend, index: number, logger?: Logger): Promise<Node> {
  const kernel = new FakeKernel();
  const overlay = new FakeOverlay(kernel);
  const address = `10.99.0.${11 + index}`;
  overlay.addUnderlay(address, 'eth0', 1500);
  const store = new MemoryClusterStore(backend, `node${index}`);
  await store.open();
  const id = String(index + 1).repeat(64).slice(0, 64);
  const cluster = new ClusterState(store, { id, name: address, address, since: '' }, logger);
  await cluster.register();
  const firewall = new FirewallService(kernel.firewall, 'conet');
  const drivers = new DriverRegistry();
  drivers.register(new BridgeDriver({ kernel, firewall: new NftBridgeFirewall(firewall), defaultMtu: 1500 }));
  drivers.register(new OverlayDriver({ kernel, overlay, firewall: new NftBridgeFirewall(firewall, 'overlay'), cluster, dataPathPort: 4789 }));
  let endpoints: EndpointService | undefined;
  const local = new MemoryStore();
  const networks = new NetworkService({ store: local, drivers, links: kernel.links, pools: DEFAULT_ADDRESS_POOLS, endpoints: { endpointsOf: (id) => endpoints?.allEndpointsOf(id) ?? [] }, cluster });
  endpoints = new EndpointService({ store: local, drivers, networks, cluster });
  await networks.load();
  await networks.reconcile();
  const service = endpoints;
  let containers = 0;
  return {
    name: `node${index}`,
    address,
    kernel,
    overlay,
    store,
    cluster,
    networks,
    endpoints: service,
    async connect(network, container) {
      containers += 1;
      const endpoint = await service.connect(network, {
        containerId: `${container}${'0'.repeat(64)}`.slice(0, 64),
        containerName: container,
        hostname: `${container}-host`,
        sandbox: `sb-${index}-${containers}`,
        createSandbox: true,
        ifname: 'eth0',
      });
      return endpoint.ipv4Address;
    },
  };
}

export async function until(what: string, check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not true after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function nodes(count: number, logger?: Logger): Promise<{ backend: MemoryClusterBackend; all: Node[] }> {
  const backend = new MemoryClusterBackend();
  const all: Node[] = [];
  for (let index = 0; index < count; index += 1) all.push(await makeNode(backend, index, logger));
  return { backend, all };
}

export function request(name: string, options: Record<string, string> = {}, subnet?: string): CreateNetworkRequest {
  return {
    scope: '',
    name,
    driver: 'overlay',
    ipam: { driver: 'default', options: {}, configs: subnet ? [{ subnet }] : [] },
    options,
    labels: {},
    internal: false,
    attachable: false,
    ingress: false,
    enableIPv6: false,
    configOnly: false,
    configFrom: '',
  };
}
