/**
 * Endpoints: a container's attachment to a network. Connect allocates addresses (IPAM), asks the
 * driver to plug the interface into the container's sandbox, then persists; a failed step undoes
 * the earlier ones. Work on one network is serialised; different networks proceed in parallel.
 */
import { randomBytes } from 'node:crypto';
import { forbidden, invalid, system } from '../../errors/index.js';
import { allocateAddress, requestAddress, type AddressAssignment, type IpFamily } from '../../ipam/index.js';
import type { DriverRegistry, NetworkDriver } from '../../drivers/driver.js';
import type { ClusterEndpoint } from '../../cluster/cluster-store.js';
import type { Endpoint, Network } from '../../model/network.js';
import type { ClusterState } from '../cluster/cluster-state.js';
import { del, put, type Store } from '../../store/index.js';
import { newId } from '../../util/ids.js';
import { KeyedQueue } from '../../util/queue.js';
import { createLogger, type Logger } from '../../util/logger.js';
import { runUndo, UndoStack } from '../../util/undo.js';
import { EndpointIndex } from '../engine-index.js';
import { withRemoteEndpoints } from './remote-endpoints.js';
import { failpoint } from '../../util/failpoint.js';
import type { EventSink } from '../events/event-bus.js';
import { networkActor } from '../events/actors.js';

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
  gwPriority?: number;
  /** The container's hostname (published with endpoints of global networks, for other nodes' DNS). */
  hostname?: string;
}

export interface NetworkSource {
  inspect(reference: string): Network;
}

export interface EndpointServiceDeps {
  store: Store;
  drivers: DriverRegistry;
  networks: NetworkSource;
  /** Cluster mode: endpoints of global networks are claimed in, and published to, the cluster. */
  cluster?: ClusterState;
  /** Something that went wrong off the request path (a release the cluster store missed). */
  onError?: (message: string, error: unknown) => void;
  /** Rollback steps that fail (stderr at warn when absent). */
  logger?: Logger;
  /** Where this node's endpoints are kept, shared with readers (network inspect, DNS); absent: a private one. */
  index?: EndpointIndex;
  /** `docker events`: connect and disconnect (absent: none). */
  bus?: EventSink;
}

/** Docker's MAC for an IPv4 endpoint: 02:42 followed by the four address octets. */
export function macFromIpv4(address: string): string {
  const octets = address.split('.').map((octet) => Number(octet).toString(16).padStart(2, '0'));
  return ['02', '42', ...octets].join(':');
}

/** Docker's derived MAC when the endpoint has an IPv4 address; a random local one (02:42:…) on an IPv6-only network. */
function endpointMac(ipv4Cidr: string): string {
  if (ipv4Cidr !== '') return macFromIpv4(ipv4Cidr.split('/')[0] ?? '0.0.0.0');
  return ['02', '42', ...[...randomBytes(4)].map((byte) => byte.toString(16).padStart(2, '0'))].join(':');
}

export class EndpointService {
  private readonly endpoints: EndpointIndex;
  /** Endpoints of global networks claimed in the cluster store and not yet saved here. */
  private readonly connecting = new Set<string>();
  private readonly queue = new KeyedQueue();
  private readonly logger: Logger;

  constructor(private readonly deps: EndpointServiceDeps) {
    this.logger = deps.logger ?? createLogger('warn');
    this.endpoints = deps.index ?? new EndpointIndex();
  }

  async load(): Promise<void> {
    this.endpoints.clear();
    for (const endpoint of await this.deps.store.list<Endpoint>('endpoint')) this.endpoints.set(endpoint.id, endpoint);
  }

  endpointsOf(networkId: string): Endpoint[] {
    return this.endpoints.ofNetwork(networkId);
  }

  /**
   * This node's endpoints on the network and, for a global network, every other node's too
   * (marked with `remoteNode`): what inspect, DNS and `network rm` see.
   */
  allEndpointsOf(networkId: string): Endpoint[] {
    return withRemoteEndpoints(this.endpointsOf(networkId), networkId, this.deps.cluster);
  }

  /** Whether this node has (or is making) the endpoint: the cluster collector asks. */
  hasEndpoint(endpointId: string): boolean {
    return this.endpoints.has(endpointId) || this.connecting.has(endpointId);
  }

  endpointsOfContainer(containerId: string): Endpoint[] {
    return this.endpoints.ofContainer(containerId);
  }

  /** `docker rename`: the container's endpoints carry its new name (what DNS answers for). */
  async renameContainer(containerId: string, name: string): Promise<void> {
    for (const endpoint of this.endpoints.ofContainer(containerId)) {
      endpoint.name = name;
      await this.deps.store.commit([put('endpoint', endpoint.id, endpoint)]);
    }
  }

  async connect(networkReference: string, request: ConnectRequest): Promise<Endpoint> {
    const network = this.deps.networks.inspect(networkReference);
    const endpoint = await this.queue.run(network.id, () => this.connectNow(network, request));
    this.deps.bus?.emit('network', 'connect', networkActor(network, { container: request.containerId }));
    return endpoint;
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
      const driver = this.deps.drivers.get(network.driver);
      if (options.unplug !== false) await driver?.leave?.(network, endpoint);
      try {
        failpoint('endpoint.disconnect.after-unplug');
        await this.deps.store.commit([del('endpoint', endpoint.id)]);
      } catch (error) {
        const undo = options.unplug !== false ? [{ name: `plug endpoint ${endpoint.id} again`, run: () => driver?.join?.(network, endpoint, { createSandbox: false }) }] : [];
        await runUndo(undo, this.logger, { endpoint: endpoint.id, action: 'disconnect' });
        throw error;
      }
      // The address is free for the next container now: its tracked flows must not follow.
      await driver?.forgetEndpoint?.(network, endpoint);
      this.endpoints.delete(endpoint.id);
      if (network.scope !== 'local' && this.deps.cluster) {
        // Stopping a container must work while the store is away: the claim is released later
        // by the node's collector (ClusterState.collect), which finds endpoints it no longer has.
        await this.deps.cluster.releaseEndpoint(endpoint).catch((error: unknown) => this.deps.onError?.('release endpoint in the cluster store', error));
      }
      this.deps.bus?.emit('network', 'disconnect', networkActor(network, { container: containerId }));
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
      ...(request.gwPriority ? { gwPriority: request.gwPriority } : {}),
    };
    if (network.scope !== 'local' && this.deps.cluster) return this.connectGlobal(this.deps.cluster, driver, network, endpoint, request);
    if (driver.capabilities.usesIpam) {
      if (network.enableIPv4 !== false) this.assign(network, endpoint, 4, request.ipv4Address, existing);
      else if (request.ipv4Address) throw invalid('endpoint-static-ip', `network ${network.name} has IPv4 disabled (--ipv4=false): no IPv4 address can be given`);
      if (network.enableIPv6) this.assign(network, endpoint, 6, request.ipv6Address, existing);
      endpoint.macAddress = request.macAddress ?? endpointMac(endpoint.ipv4Address);
    } else if (request.ipv4Address || request.ipv6Address) {
      throw invalid('endpoint-static-ip', 'user specified IP address is supported on user defined networks only');
    }
    await this.plugAndSave(driver, network, endpoint, request);
    return endpoint;
  }

  /** The driver plugs the interface, then the store keeps the endpoint; a failed step undoes the others. */
  private async plugAndSave(driver: NetworkDriver, network: Network, endpoint: Endpoint, request: ConnectRequest): Promise<void> {
    await driver.join?.(network, endpoint, { createSandbox: request.createSandbox });
    const undo = new UndoStack();
    undo.push(`leave network ${network.name}`, () => driver.leave?.(network, endpoint));
    try {
      failpoint('endpoint.connect.after-veth');
      await this.deps.store.commit([put('endpoint', endpoint.id, endpoint)]).catch((error: unknown) => {
        throw system('store-write', `failed to save endpoint of ${request.containerName}: ${(error as Error).message}`, error);
      });
      undo.push(`delete the record of endpoint ${endpoint.id}`, () => this.deps.store.commit([del('endpoint', endpoint.id)]));
      failpoint('endpoint.connect.after-store');
    } catch (error) {
      await undo.rollback(this.logger, { endpoint: endpoint.id, action: 'connect' });
      throw error;
    }
    this.endpoints.set(endpoint.id, endpoint);
  }

  /**
   * Plugs and saves an endpoint exactly as it was (same interface, addresses, MAC): the undo of a
   * disconnect. Local networks only: a global network's claim is the cluster's.
   */
  async reattach(endpoint: Endpoint): Promise<void> {
    const network = this.deps.networks.inspect(endpoint.networkId);
    if (network.scope !== 'local') throw system('endpoint-reattach', `endpoint ${endpoint.id} of global network ${network.name} cannot be reattached`);
    await this.queue.run(network.id, async () => {
      await this.deps.drivers.get(network.driver)?.join?.(network, endpoint, { createSandbox: false });
      await this.deps.store.commit([put('endpoint', endpoint.id, endpoint)]);
      this.endpoints.set(endpoint.id, endpoint);
    });
  }

  /** Start-up repair: plugs a stored endpoint whose interface is gone (a crash mid-disconnect) again, as it was. */
  async replug(endpoint: Endpoint): Promise<void> {
    const network = this.deps.networks.inspect(endpoint.networkId);
    await this.queue.run(network.id, async () => {
      await this.deps.drivers.get(network.driver)?.join?.(network, endpoint, { createSandbox: false });
    });
  }

  /**
   * A global network's endpoint: addresses are chosen against every node's endpoints and claimed
   * in the cluster store in one transaction with the endpoint record (a lost race picks again),
   * then the driver plugs the interface, then the local store keeps it for recovery.
   */
  private async connectGlobal(cluster: ClusterState, driver: NetworkDriver, network: Network, endpoint: Endpoint, request: ConnectRequest): Promise<Endpoint> {
    const everywhere = this.allEndpointsOf(network.id);
    if (everywhere.some((other) => other.name === request.containerName)) {
      throw forbidden('endpoint-exists', `endpoint with name ${request.containerName} already exists in network ${network.name}`);
    }
    const configs = (await driver.localIpamConfigs?.(network)) ?? network.ipam.configs;
    const view: Network = { ...network, ipam: { ...network.ipam, configs } };
    this.connecting.add(endpoint.id);
    try {
      return await this.claimAndJoin(cluster, driver, network, view, endpoint, request);
    } finally {
      this.connecting.delete(endpoint.id);
    }
  }

  private async claimAndJoin(cluster: ClusterState, driver: NetworkDriver, network: Network, view: Network, endpoint: Endpoint, request: ConnectRequest): Promise<Endpoint> {
    let taken: string[] = [];
    for (let attempt = 0; ; attempt += 1) {
      const claimed = taken.map((address): Endpoint => ({ ...endpoint, ipv4Address: address.includes(':') ? '' : `${address}/32`, ipv6Address: address.includes(':') ? `${address}/128` : '' }));
      const taken4and6 = [...this.allEndpointsOf(network.id), ...claimed];
      this.assign(view, endpoint, 4, request.ipv4Address, taken4and6);
      if (network.enableIPv6) this.assign(view, endpoint, 6, request.ipv6Address, taken4and6);
      endpoint.macAddress = request.macAddress ?? macFromIpv4(endpoint.ipv4Address.split('/')[0] ?? '0.0.0.0');
      const record: ClusterEndpoint = {
        id: endpoint.id,
        networkId: network.id,
        nodeId: cluster.selfId,
        containerId: endpoint.containerId,
        name: endpoint.name,
        hostname: request.hostname ?? '',
        aliases: endpoint.aliases,
        macAddress: endpoint.macAddress,
        ipv4Address: endpoint.ipv4Address,
        ipv6Address: endpoint.ipv6Address,
      };
      if (await cluster.claimEndpoint(record)) break;
      if (!cluster.network(network.id)) throw forbidden('network-gone', `network ${network.name} was removed`);
      if (request.ipv4Address || request.ipv6Address || attempt >= 4) {
        throw forbidden('address-in-use', `Address already in use`);
      }
      taken = await cluster.claimedAddresses(network.id);
    }
    try {
      await driver.join?.(network, endpoint, { createSandbox: request.createSandbox });
    } catch (error) {
      await runUndo([{ name: 'release the endpoint claim in the cluster store', run: () => cluster.releaseEndpoint(endpoint) }], this.logger, { endpoint: endpoint.id, action: 'connect' });
      throw error;
    }
    try {
      await this.deps.store.commit([put('endpoint', endpoint.id, endpoint)]);
    } catch (error) {
      const undo = [
        { name: 'release the endpoint claim in the cluster store', run: () => cluster.releaseEndpoint(endpoint) },
        { name: `leave network ${network.name}`, run: () => driver.leave?.(network, endpoint) },
      ];
      await runUndo(undo, this.logger, { endpoint: endpoint.id, action: 'connect' });
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
