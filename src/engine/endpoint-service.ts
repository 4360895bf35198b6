/**
 * Endpoints: a container's attachment to a network. Connect allocates addresses (IPAM), asks the
 * driver to plug the interface into the container's sandbox, then persists; a failed step undoes
 * the earlier ones. Work on one network is serialised; different networks proceed in parallel.
 */
import { randomBytes } from 'node:crypto';
import { forbidden, invalid, system } from '../errors/index.js';
import { allocateAddress, requestAddress, type AddressAssignment, type IpFamily } from '../ipam/index.js';
import type { DriverRegistry } from '../drivers/driver.js';
import type { Endpoint, Network } from '../model/network.js';
import { del, put, type Store } from '../store/index.js';
import { newId } from './ids.js';
import { KeyedQueue } from './queue.js';

export interface ConnectRequest {
  containerId: string;
  containerName: string;
  sandbox: string;
  /** The sandbox doesn't exist yet: the driver creates it in the same step. */
  createSandbox: boolean;
  ifname: string;
  ipv4Address?: string;
  ipv6Address?: string;
  macAddress?: string;
  aliases?: string[];
}

export interface NetworkSource {
  inspect(reference: string): Network;
}

export interface EndpointServiceDeps {
  store: Store;
  drivers: DriverRegistry;
  networks: NetworkSource;
}

/** Docker's MAC for an IPv4 endpoint: 02:42 followed by the four address octets. */
export function macFromIpv4(address: string): string {
  const octets = address.split('.').map((octet) => Number(octet).toString(16).padStart(2, '0'));
  return ['02', '42', ...octets].join(':');
}

export class EndpointService {
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly queue = new KeyedQueue();

  constructor(private readonly deps: EndpointServiceDeps) {}

  async load(): Promise<void> {
    this.endpoints.clear();
    for (const endpoint of await this.deps.store.list<Endpoint>('endpoint')) this.endpoints.set(endpoint.id, endpoint);
  }

  endpointsOf(networkId: string): Endpoint[] {
    return [...this.endpoints.values()].filter((endpoint) => endpoint.networkId === networkId);
  }

  endpointsOfContainer(containerId: string): Endpoint[] {
    return [...this.endpoints.values()].filter((endpoint) => endpoint.containerId === containerId);
  }

  async connect(networkReference: string, request: ConnectRequest): Promise<Endpoint> {
    const network = this.deps.networks.inspect(networkReference);
    return this.queue.run(network.id, () => this.connectNow(network, request));
  }

  /**
   * `unplug: false` when the whole sandbox is about to be deleted: the kernel destroys its veth
   * pairs with the namespace, so the (slow, ~25 ms) explicit link delete is skipped.
   */
  async disconnect(networkReference: string, containerId: string, options: { unplug?: boolean } = {}): Promise<void> {
    const network = this.deps.networks.inspect(networkReference);
    return this.queue.run(network.id, async () => {
      const endpoint = this.endpointsOf(network.id).find((candidate) => candidate.containerId === containerId);
      if (!endpoint) throw system('endpoint-not-connected', `container ${containerId} is not connected to network ${network.name}`);
      if (options.unplug !== false) await this.deps.drivers.get(network.driver)?.leave?.(network, endpoint);
      await this.deps.store.commit([del('endpoint', endpoint.id)]);
      this.endpoints.delete(endpoint.id);
    });
  }

  private async connectNow(network: Network, request: ConnectRequest): Promise<Endpoint> {
    if (network.driver === 'host') {
      throw invalid('endpoint-host', 'container cannot be disconnected from host network or connected to host network');
    }
    const existing = this.endpointsOf(network.id);
    if (existing.some((endpoint) => endpoint.containerId === request.containerId || endpoint.name === request.containerName)) {
      throw forbidden('endpoint-exists', `endpoint with name ${request.containerName} already exists in network ${network.name}`);
    }
    const driver = this.deps.drivers.get(network.driver);
    if (!driver) throw system('driver-missing', `driver ${network.driver} of network ${network.name} is not available`);
    const endpoint: Endpoint = {
      id: newId(),
      networkId: network.id,
      containerId: request.containerId,
      name: request.containerName,
      macAddress: '',
      ipv4Address: '',
      ipv6Address: '',
      gateway4: '',
      gateway6: '',
      sandbox: request.sandbox,
      ifname: request.ifname,
      hostIfname: `veth${randomBytes(4).toString('hex').slice(0, 7)}`,
      aliases: request.aliases ?? [],
      requestedIpv4: request.ipv4Address ?? '',
      requestedIpv6: request.ipv6Address ?? '',
    };
    if (driver.capabilities.usesIpam) {
      this.assign(network, endpoint, 4, request.ipv4Address, existing);
      if (network.enableIPv6) this.assign(network, endpoint, 6, request.ipv6Address, existing);
      endpoint.macAddress = request.macAddress ?? macFromIpv4(endpoint.ipv4Address.split('/')[0] ?? '0.0.0.0');
    } else if (request.ipv4Address || request.ipv6Address) {
      throw invalid('endpoint-static-ip', 'user specified IP address is supported on user defined networks only');
    }
    await driver.join?.(network, endpoint, { createSandbox: request.createSandbox });
    try {
      await this.deps.store.commit([put('endpoint', endpoint.id, endpoint)]);
    } catch (error) {
      await driver.leave?.(network, endpoint).catch(() => undefined);
      throw system('store-write', `failed to save endpoint of ${request.containerName}: ${(error as Error).message}`, error);
    }
    this.endpoints.set(endpoint.id, endpoint);
    return endpoint;
  }

  private assign(network: Network, endpoint: Endpoint, family: IpFamily, requested: string | undefined, existing: readonly Endpoint[]): void {
    const field = family === 4 ? 'ipv4Address' : 'ipv6Address';
    const allocated = existing.map((other) => other[field]).filter((address) => address !== '');
    const configs = network.ipam.configs;
    let assignment: AddressAssignment;
    if (requested) {
      if (network.predefined) throw invalid('endpoint-static-ip', 'user specified IP address is supported on user defined networks only');
      const familyConfigs = configs.filter((config) => config.subnet.includes(':') === (family === 6));
      if (familyConfigs.length === 0 || familyConfigs.every((config) => config.autoSubnet === true)) {
        throw invalid('endpoint-static-ip', 'user specified IP address is supported only when connecting to networks with user configured subnets');
      }
      assignment = requestAddress(configs, requested, { allocated });
    } else {
      assignment = allocateAddress(configs, { allocated, family, network: { name: network.name, id: network.id } });
    }
    endpoint[field] = `${assignment.address}/${assignment.prefixLength}`;
    if (family === 4) endpoint.gateway4 = assignment.gateway ?? '';
    else endpoint.gateway6 = assignment.gateway ?? '';
  }
}
