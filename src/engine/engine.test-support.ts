/**
 * The engine on the fake kernel and a memory store, as unit tests use it: bridge, host and null
 * drivers, the predefined networks, a reconciled kernel, and the endpoint service, sharing one
 * index as the daemon wires them.
 */
import { DriverRegistry } from '../drivers/driver.js';
import { BridgeDriver } from '../drivers/bridge/driver.js';
import { NftBridgeFirewall } from '../drivers/common/bridge-firewall.js';
import { HostDriver } from '../drivers/host/driver.js';
import { NullDriver } from '../drivers/null/driver.js';
import { FirewallService } from '../firewall/firewall-service.js';
import { DEFAULT_ADDRESS_POOLS } from '../ipam/index.js';
import { FakeKernel } from '../kernel/fake/fake-kernel.js';
import type { Endpoint } from '../model/network.js';
import { MemoryStore } from '../store/index.js';
import { EngineIndex } from './engine-index.js';
import { EndpointService } from './networks/endpoint-service.js';
import { indexEndpointSource } from './networks/endpoint-source.js';
import { NetworkService } from './networks/network-service.js';
import { predefinedNetworks } from './networks/predefined.js';

export interface EngineFixtureOptions {
  store?: MemoryStore;
  /** Endpoints the network service sees instead of the endpoint service's (to test in-use rules alone). */
  endpointsOverride?: Record<string, Endpoint[]>;
}

export async function engineFixture(options: EngineFixtureOptions = {}) {
  const kernel = new FakeKernel();
  const store = options.store ?? new MemoryStore();
  const drivers = new DriverRegistry();
  const firewall = new FirewallService(kernel.firewall, 'conet');
  drivers.register(new BridgeDriver({ kernel, firewall: new NftBridgeFirewall(firewall), defaultMtu: 1500 }));
  drivers.register(new HostDriver());
  drivers.register(new NullDriver());
  const index = new EngineIndex();
  const override = options.endpointsOverride;
  const networks = new NetworkService({
    store,
    drivers,
    links: kernel.links,
    pools: DEFAULT_ADDRESS_POOLS,
    endpoints: override ? { endpointsOf: (id) => override[id] ?? [] } : indexEndpointSource(index),
    index: index.networks,
  });
  const endpoints = new EndpointService({ store, drivers, networks, index: index.endpoints });
  await networks.load();
  for (const network of predefinedNetworks({ name: 'conet0', subnet: '172.17.0.0/16', mtu: 1500, icc: true, masquerade: true })) {
    await networks.definePredefined(network);
  }
  await networks.reconcile();
  return { kernel, store, drivers, networks, endpoints, index, firewall };
}
