/**
 * Network use cases: create, remove, list, inspect, prune. Every change that reads shared state
 * (names, subnets) runs through one serial queue; kernel work is undone if the store write fails,
 * and the store is written only after the kernel succeeded, so the two never disagree for long.
 */
import { conflict, forbidden, invalid, notFound, notImplemented, system } from '../../errors/index.js';
import { DOCKER_GLOBAL_SCOPE_POOLS, resolveIpam, type AddressPool } from '../../ipam/index.js';
import type { ClusterState } from '../cluster/cluster-state.js';
import type { DriverRegistry, NetworkDriver } from '../../drivers/driver.js';
import type { LinkPort } from '../../kernel/ports.js';
import type { Endpoint, Network } from '../../model/network.js';
import { del, put, type Store } from '../../store/index.js';
import { parseFilters } from '../../util/filters.js';
import { newId, timestamp } from '../../util/ids.js';
import { LIST_FILTERS, PRUNE_FILTERS, listFilter, pruneFilter } from './network-filters.js';
import { getNetwork } from './network-lookup.js';
import { samePredefinedConfig } from './predefined.js';
import { validateNetworkName } from './network-names.js';
import type { CreateNetworkRequest } from './network-request.js';
import { SerialQueue } from '../../util/queue.js';
import { logError } from '../../util/log-error.js';
import { createLogger, type Logger } from '../../util/logger.js';
import { runUndo, UndoStack } from '../../util/undo.js';
import { NetworkIndex } from '../engine-index.js';
import { failpoint } from '../../util/failpoint.js';
import type { EventSink } from '../events/event-bus.js';
import { networkActor } from '../events/actors.js';
import { StepClock } from '../containers/step-clock.js';

/** Where containers' attachments come from (the containers issue fills it). */
export interface EndpointSource {
  endpointsOf(networkId: string): Endpoint[];
}

export interface NetworkServiceDeps {
  store: Store;
  drivers: DriverRegistry;
  links: LinkPort;
  pools: readonly AddressPool[];
  endpoints: EndpointSource;
  /** Drivers we know of but don't implement yet, with the reason. */
  unsupportedDrivers?: Record<string, string>;
  /** Cluster mode: where global-scope (overlay) networks live. */
  cluster?: ClusterState;
  /** Global-scope default pools (Docker: 10.0.0.0/8 in /24s). */
  globalPools?: readonly AddressPool[];
  /** Rollback and clean-up steps that fail (stderr at warn when absent). */
  logger?: Logger;
  /** Where this node's networks are kept, shared with readers (the endpoint source); absent: a private one. */
  index?: NetworkIndex;
  /** `docker events`: create and destroy (absent: none). */
  bus?: EventSink;
  /** Processes spawned so far by the daemon: logged beside the step timings (absent: not logged). */
  spawned?: () => number;
}

export const NEEDS_CLUSTER = 'the overlay driver needs cluster mode: start conetd with --cluster-store etcd://HOST:PORT --cluster-advertise ADDR';

export class NetworkService {
  private readonly networks: NetworkIndex;
  private readonly queue = new SerialQueue();
  private readonly logger: Logger;

  constructor(private readonly deps: NetworkServiceDeps) {
    this.logger = deps.logger ?? createLogger('warn');
    this.networks = deps.index ?? new NetworkIndex();
  }

  /** Loads state; the daemon then calls reconcile(). */
  async load(): Promise<void> {
    this.networks.clear();
    for (const network of await this.deps.store.list<Network>('network')) this.networks.set(network.id, network);
  }

  /** Local networks, then the cluster's global ones (cluster mode). */
  all(): Network[] {
    return [...this.networks.values(), ...(this.deps.cluster?.networks() ?? [])];
  }

  inspect(reference: string, options: { scope?: string } = {}): Network {
    const network = getNetwork(this.all(), reference);
    if (options.scope && options.scope !== network.scope) throw notFound('network-not-found', `network ${reference} not found`);
    return network;
  }

  list(rawFilters?: string | null): Network[] {
    const filter = listFilter(parseFilters(rawFilters, LIST_FILTERS), (network) => this.deps.endpoints.endpointsOf(network.id).length);
    return this.all().filter(filter);
  }

  /**
   * Adds a predefined network at first start; at later starts brings a stored one up to the
   * daemon's configuration (the default bridge's bip, mtu, icc, ipv6...), keeping its id, unless
   * containers are still attached to it (then 'kept': they keep their addresses). No kernel work
   * here: reconcile does it.
   */
  definePredefined(network: Network): Promise<'created' | 'unchanged' | 'updated' | 'kept'> {
    return this.queue.run(async () => {
      const stored = [...this.networks.values()].find((existing) => existing.name === network.name);
      if (stored && samePredefinedConfig(stored, network)) return 'unchanged';
      if (stored && this.deps.endpoints.endpointsOf(stored.id).length > 0) return 'kept';
      const next: Network = stored ? { ...stored, enableIPv6: network.enableIPv6, ipam: { ...stored.ipam, configs: network.ipam.configs }, options: network.options } : network;
      await this.deps.store.commit([put('network', next.id, next)]);
      this.networks.set(next.id, next);
      return stored ? 'updated' : 'created';
    });
  }

  async create(request: CreateNetworkRequest): Promise<{ id: string; warning: string }> {
    const created = await this.queue.run(() => this.timed('network created', (clock) => this.createNow(request, clock)));
    this.deps.bus?.emit('network', 'create', networkActor({ id: created.id, name: validateNetworkName(request.name), driver: this.networks.get(created.id)?.driver ?? request.driver }));
    return created;
  }

  /**
   * Runs one use case with a step clock, then logs its steps (ms) and the processes it spawned at
   * info, as container starts are logged: what the benchmarks read.
   */
  private async timed<T extends { id: string }>(message: string, work: (clock: StepClock) => Promise<T>): Promise<T> {
    const clock = new StepClock();
    const before = this.deps.spawned?.();
    const result = await work(clock);
    const spawned = before === undefined ? {} : { spawned: (this.deps.spawned?.() ?? before) - before };
    this.logger.info(message, { id: result.id, steps: clock.steps, ...spawned });
    return result;
  }

  private async createNow(request: CreateNetworkRequest, clock = new StepClock()): Promise<{ id: string; warning: string }> {
    const name = validateNetworkName(request.name);
    const existing = this.all();
    if (existing.some((network) => network.name === name)) {
      throw conflict('network-name-in-use', `network with name ${name} already exists`);
    }
    const driver = this.driverFor(request.driver);
    if (!driver.capabilities.multipleInstances) {
      throw forbidden('network-single-instance', `only one instance of "${driver.name}" network is allowed`);
    }
    if (request.configOnly || request.configFrom !== '') {
      throw notImplemented('network-config-only', 'config-only networks and --config-from are not supported');
    }
    if (request.ingress) throw notImplemented('network-ingress', 'ingress networks need swarm mode, which conet does not provide');
    const global = driver.capabilities.scope !== 'local';
    if (global && !this.deps.cluster) throw notImplemented('driver-needs-cluster', NEEDS_CLUSTER);
    if (global && request.enableIPv6) throw notImplemented('overlay-ipv6', 'IPv6 on overlay networks is not supported by conet yet');
    checkIpv4Disabled(request, driver.name);
    const ipamConfigs = driver.capabilities.usesIpam
      ? resolveIpam(request.ipam, {
          existingSubnets: existing.flatMap((network) => network.ipam.configs.map((config) => config.subnet)),
          avoid: await this.hostRoutes(existing),
          pools: global ? this.deps.globalPools ?? DOCKER_GLOBAL_SCOPE_POOLS : this.deps.pools,
          enableIPv6: request.enableIPv6,
          ...(request.enableIPv4 === false ? { enableIPv4: false } : {}),
        })
      : [];
    const network: Network = {
      id: newId(),
      name,
      driver: driver.name,
      scope: driver.capabilities.scope,
      created: timestamp(),
      enableIPv6: request.enableIPv6,
      ...(request.enableIPv4 === false ? { enableIPv4: false } : {}),
      internal: request.internal,
      attachable: request.attachable,
      ingress: false,
      configOnly: false,
      configFrom: '',
      ipam: { driver: request.ipam.driver, options: request.ipam.options, configs: ipamConfigs },
      options: request.options,
      labels: request.labels,
      predefined: false,
    };
    driver.validate(network, existing);
    clock.mark('ipam');
    if (global && this.deps.cluster) {
      await this.createGlobal(this.deps.cluster, driver, network, existing);
      return { id: network.id, warning: '' };
    }
    await this.createLocal(driver, network, clock);
    return { id: network.id, warning: '' };
  }

  /** Kernel first, then the store; a failure at any step undoes the steps before it. */
  private async createLocal(driver: NetworkDriver, network: Network, clock: StepClock): Promise<void> {
    await driver.createNetwork(network);
    clock.mark('kernel');
    const undo = new UndoStack();
    undo.push(`delete network ${network.name} in the driver`, () => driver.deleteNetwork(network));
    try {
      failpoint('network.create.after-firewall');
      await this.deps.store.commit([put('network', network.id, network)]).catch((error: unknown) => {
        throw system('store-write', `failed to save network ${network.name}: ${(error as Error).message}`, error);
      });
      undo.push(`delete the record of network ${network.name}`, () => this.deps.store.commit([del('network', network.id)]));
      failpoint('network.create.after-store');
      clock.mark('store');
    } catch (error) {
      await undo.rollback(this.logger, { network: network.id, action: 'create' });
      throw error;
    }
    this.networks.set(network.id, network);
  }

  /**
   * Global networks are written to the cluster store only; every node's driver makes its kernel
   * objects when a container there first joins. A driver claim (a VNI) taken by another node in
   * the meantime is chosen again, a few times.
   */
  private async createGlobal(cluster: ClusterState, driver: NetworkDriver, network: Network, existing: readonly Network[]): Promise<void> {
    const given = { ...network.options };
    for (let attempt = 0; ; attempt += 1) {
      const outcome = await cluster.createNetwork(network, driver.clusterClaims?.(network) ?? []);
      if (outcome.ok) return;
      if (attempt >= 4) throw conflict('network-claim', `could not reserve the resources of network ${network.name} (taken by other nodes); try again`);
      await new Promise((resolve) => setTimeout(resolve, 100 * (attempt + 1)));
      network.options = { ...given };
      driver.validate(network, [...existing, ...cluster.networks()]);
    }
  }

  remove(reference: string): Promise<void> {
    return this.queue.run(async () => {
      const network = getNetwork(this.all(), reference);
      if (network.predefined) {
        throw forbidden('network-predefined', `${network.name} is a pre-defined network and cannot be removed`);
      }
      if (this.deps.endpoints.endpointsOf(network.id).length > 0) {
        throw forbidden(
          'network-in-use',
          `error while removing network: network ${network.name} id ${network.id} has active endpoints`,
        );
      }
      await this.timed('network removed', async (clock) => {
        await this.removeNow(network, clock);
        return network;
      });
    });
  }

  prune(rawFilters?: string | null): Promise<string[]> {
    return this.queue.run(async () => {
      const filter = pruneFilter(parseFilters(rawFilters, PRUNE_FILTERS));
      const removed: string[] = [];
      // Global networks are the cluster's: prune, like Docker's in swarm mode, leaves them alone.
      for (const network of this.networks.values()) {
        if (network.predefined || !filter(network)) continue;
        if (this.deps.endpoints.endpointsOf(network.id).length > 0) continue;
        await this.removeNow(network);
        removed.push(network.name);
      }
      return removed;
    });
  }

  /** Start-up: make the kernel match the store, driver by driver. */
  async reconcile(): Promise<void> {
    await this.queue.run(async () => {
      for (const driver of this.deps.drivers.all()) {
        await driver.restore(this.all().filter((network) => network.driver === driver.name));
      }
    });
  }

  private async removeNow(network: Network, clock = new StepClock()): Promise<void> {
    await this.removeFromDriverAndStore(network, clock);
    this.deps.bus?.emit('network', 'destroy', networkActor(network));
  }

  private async removeFromDriverAndStore(network: Network, clock: StepClock): Promise<void> {
    const driver = this.deps.drivers.get(network.driver);
    if (network.scope !== 'local' && this.deps.cluster) {
      await this.deps.cluster.removeNetwork(network, driver?.clusterClaims?.(network) ?? []);
      await driver?.deleteNetwork(network).catch(logError(this.logger, 'warn', 'deleting the local objects of a removed global network', { network: network.name }));
      return;
    }
    if (driver) await driver.deleteNetwork(network);
    clock.mark('kernel');
    try {
      failpoint('network.rm.after-kernel');
      await this.deps.store.commit([del('network', network.id)]);
      clock.mark('store');
    } catch (error) {
      const undo = driver ? [{ name: `make network ${network.name} again in the driver`, run: () => driver.createNetwork(network) }] : [];
      await runUndo(undo, this.logger, { network: network.id, action: 'remove' });
      throw error;
    }
    this.networks.delete(network.id);
  }

  private driverFor(name: string): NetworkDriver {
    const driver = this.deps.drivers.get(name);
    if (driver) return driver;
    const reason = this.deps.unsupportedDrivers?.[name];
    if (reason) throw notImplemented('driver-unsupported', reason);
    if (!/^[A-Za-z0-9][A-Za-z0-9_.\/:-]*$/.test(name)) throw invalid('driver-name', `invalid driver name ${JSON.stringify(name)}`);
    throw notFound('driver-not-found', `plugin "${name}" not found`);
  }

  /** The host's own routes, minus our own bridges: subnets IPAM must not hand out. */
  private async hostRoutes(existing: readonly Network[]): Promise<string[]> {
    const owned = new Set<string>();
    for (const driver of this.deps.drivers.all()) {
      for (const name of driver.ownedInterfaces(existing.filter((network) => network.driver === driver.name))) owned.add(name);
    }
    const routes = await this.deps.links.listRoutes();
    return routes
      .filter((route) => route.destination !== 'default' && !owned.has(route.device) && !route.destination.includes(':'))
      .map((route) => (route.destination.includes('/') ? route.destination : `${route.destination}/32`))
      .filter((cidr) => !cidr.startsWith('127.'));
  }
}

/** `--ipv4=false` (API 1.48): IPv6-only bridge networks; IPv6 must be on then, as Docker says. */
function checkIpv4Disabled(request: CreateNetworkRequest, driver: string): void {
  if (request.enableIPv4 !== false) return;
  if (!request.enableIPv6) throw invalid('ipv4-ipv6-disabled', 'IPv4 or IPv6 must be enabled');
  if (driver !== 'bridge') throw invalid('ipv4-disabled-driver', `conet supports --ipv4=false (EnableIPv4) on bridge networks only, not ${driver}`);
}
