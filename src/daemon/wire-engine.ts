/**
 * The engine's services over the real mechanisms. They are built in one pass, in dependency
 * order: what one service must know of another's state (which container uses an image, who
 * holds an endpoint) is read from the shared index, never from a service built later.
 */
import { join } from 'node:path';
import type { ClusterState } from '../engine/cluster/cluster-state.js';
import { ContainerArchives } from '../engine/containers/container-archive.js';
import { ContainerNetworking } from '../engine/containers/container-networks.js';
import { ContainerService } from '../engine/containers/container-service.js';
import { ContainerResourceService } from '../engine/containers/container-resources.js';
import { LinuxContainerMetrics } from '../kernel/linux/container-metrics.js';
import type { ContainerStreams } from '../engine/containers/dependencies.js';
import { NetworkAttacher } from '../engine/containers/network-attach.js';
import { EngineIndex } from '../engine/engine-index.js';
import { EventBus } from '../engine/events/event-bus.js';
import { ExecService } from '../engine/exec/exec-service.js';
import { wireHealth } from './wire-health.js';
import type { HealthMonitor } from '../engine/health/health-monitor.js';
import { EndpointService } from '../engine/networks/endpoint-service.js';
import { indexEndpointSource } from '../engine/networks/endpoint-source.js';
import { NEEDS_CLUSTER, NetworkService, type EndpointSource } from '../engine/networks/network-service.js';
import { EmbeddedDns, type FqdnPolicySource } from '../dns/index.js';
import { wireFqdn } from './wire-fqdn.js';
import type { DriverRegistry } from '../drivers/driver.js';
import type { FirewallService } from '../firewall/firewall-service.js';
import { ulaPool, withDefaultIpv6Pool } from '../ipam/index.js';
import type { Network } from '../model/network.js';
import { PortAllocator } from '../ports/allocator.js';
import { NftPortPublisher } from '../ports/publisher.js';
import { OciRuntime } from '../runtime/containers/oci-runtime.js';
import { ImageService, ImageStore } from '../runtime/images/index.js';
import { Puller, Pusher } from '../runtime/images/registry/index.js';
import type { Store } from '../store/index.js';
import { VolumeService } from '../engine/volumes/volume-service.js';
import { ContainerVolumes, containersUsing } from '../engine/volumes/container-volumes.js';
import { LocalVolumeDirs } from '../kernel/linux/volume-dirs.js';
import type { Logger } from '../util/logger.js';
import type { DaemonConfig } from './config.js';
import { ulaGlobalId } from './daemon-meta.js';
import { containerFiles, containerRuntime, containerStreams, imageSource, volumeCopyUp } from './runtime-adapters.js';
import type { LinuxAdapters } from './wire-kernel.js';
import type { DaemonConfinement } from '../runtime/containers/confinement.js';
import { spawnedProcesses } from '../exec/index.js';

export interface EngineWiring {
  config: DaemonConfig;
  store: Store;
  linux: LinuxAdapters;
  drivers: DriverRegistry;
  firewall: FirewallService;
  cluster?: ClusterState;
  logger: Logger;
  /** Containers' default seccomp profile, AppArmor, the host facts (loadConfinement). */
  confinement: DaemonConfinement;
  /** The first 8 characters of the daemon's id: its sandboxes' names carry them. */
  daemonShortId: string;
  /** The policy engine's FQDN rules: the resolver fills their sets (wire-fqdn.ts). */
  fqdnRules?: FqdnPolicySource;
}

export interface Engine {
  index: EngineIndex;
  /** `docker events`: every service emits here. */
  events: EventBus;
  networks: NetworkService;
  endpoints: EndpointService;
  /** What the network service and `network inspect` count as a network's endpoints. */
  networkEndpoints: EndpointSource;
  imageStore: ImageStore;
  images: ImageService;
  runtime: OciRuntime;
  publisher: NftPortPublisher;
  dns: EmbeddedDns;
  containers: ContainerService;
  networking: ContainerNetworking;
  streams: ContainerStreams;
  execs: ExecService;
  /** Healthchecks of running containers (State.Health). */
  health: HealthMonitor;
  archives: ContainerArchives;
  /** Named volumes of the local driver (data under `<data-root>/volumes`). */
  volumes: VolumeService;
  /** `docker update` of cgroup limits, `docker stats`. */
  resources: ContainerResourceService;
  /** The host interface of a network (its bridge), for hairpin rules. */
  interfaceOf(network: Network): string;
}

type Networking = Pick<Engine, 'networks' | 'endpoints' | 'networkEndpoints'>;
type Mechanisms = Networking & Pick<Engine, 'index' | 'events' | 'imageStore' | 'runtime' | 'publisher' | 'dns' | 'interfaceOf'> & { containerVolumes: ContainerVolumes };

const UNSUPPORTED_DRIVERS: Record<string, string> = {
  ipvlan: 'failed to create the ipvlan network: the ipvlan driver is not supported by conet',
};

export async function wireEngine(wiring: EngineWiring): Promise<Engine> {
  const { config, linux, drivers } = wiring;
  const index = new EngineIndex();
  const events = new EventBus();
  const networking = await wireNetworks(wiring, index, events);
  const imageStore = new ImageStore(join(config.dataRoot, 'images'));
  const images = new ImageService(imageStore, (imageId) => index.containers.usingImage(imageId));
  await wireRegistry(config, images, imageStore);
  const runtime = new OciRuntime({ execRoot: config.execRoot, confinement: wiring.confinement, logger: wiring.logger });
  const allocator = new PortAllocator(await linux.portRange());
  const publisher = new NftPortPublisher({ firewall: wiring.firewall, allocator, probe: linux.portProbe, sysctl: linux.kernel.sysctl });
  const interfaceOf = (network: Network): string => drivers.get(network.driver)?.ownedInterfaces([network])[0] ?? '';
  const dns = new EmbeddedDns({
    networks: () => networking.networks.all(),
    endpointsOf: (networkId) => networking.endpoints.allEndpointsOf(networkId),
    container: (containerId) => index.containers.find(containerId),
    onError: (error) => wiring.logger.debug('dns', { error: String(error) }),
    namespaceSockets: linux.namespaceSockets,
    ...(wiring.fqdnRules ? { fqdn: await wireFqdn(config, linux.kernel.links, wiring.fqdnRules, wiring.logger) } : {}),
  });
  const { volumes, containerVolumes } = await wireVolumes(wiring, { index, events, imageStore });
  const containers = wireContainers(wiring, { ...networking, index, events, imageStore, runtime, publisher, dns, interfaceOf, containerVolumes });
  const streams = containerStreams(runtime);
  return {
    ...networking, index, events, imageStore, images, runtime, publisher, dns, containers, streams, interfaceOf, volumes,
    networking: new ContainerNetworking({ containers, networks: networking.networks, endpoints: networking.endpoints, sandboxes: linux.kernel.sandboxes, logger: wiring.logger }),
    execs: new ExecService(containers, streams),
    health: wireHealth(containers, streams, wiring.logger),
    archives: new ContainerArchives(containers, containerFiles(), imageStore, (name) => volumes.mountpoint(name)),
    resources: new ContainerResourceService({ containers, runtime, metrics: new LinuxContainerMetrics() }),
  };
}

/**
 * The registry client (runtime/images/registry): its work directory sits beside the image store
 * (same filesystem, so blobs move by rename and hard link) and is emptied at every start. A blob
 * the store keeps is linked into a pull's shared blob directory so skopeo skips it, and into a
 * push's layout.
 */
async function wireRegistry(config: DaemonConfig, images: ImageService, imageStore: ImageStore): Promise<void> {
  const puller = new Puller({
    options: config.registry,
    workDir: join(config.dataRoot, 'pulls'),
    commit: (layout, progress, signal) => images.commitPulled(layout, progress, signal),
    blobFile: (digest) => (images.hasBlob(digest) ? imageStore.layers.blobPath(digest) : undefined),
    currentId: (reference) => imageStore.find(reference)?.id,
  });
  await puller.start();
  // Pushes work beside the pulls (hard links to the store's blobs), in the directory start() empties.
  const pusher = new Pusher(config.registry, join(config.dataRoot, 'pulls'));
  images.useRegistry({ pull: (...args) => puller.pull(...args), login: (request) => puller.login(request), push: (job) => pusher.push(job) });
}

async function wireNetworks(wiring: EngineWiring, index: EngineIndex, bus: EventBus): Promise<Networking> {
  const { config, store, drivers, cluster } = wiring;
  // Every node's endpoints of a global network: what `network rm`, inspect and DNS see.
  // Running host-mode containers count on the host network, as Docker shows them.
  const networkEndpoints = indexEndpointSource(index, cluster);
  const networks = new NetworkService({
    store,
    drivers,
    links: wiring.linux.kernel.links,
    pools: withDefaultIpv6Pool(config.addressPools, ulaPool(await ulaGlobalId(store))),
    endpoints: networkEndpoints,
    index: index.networks,
    unsupportedDrivers: cluster ? UNSUPPORTED_DRIVERS : { ...UNSUPPORTED_DRIVERS, overlay: NEEDS_CLUSTER },
    ...(cluster ? { cluster } : {}),
    logger: wiring.logger,
    bus,
    spawned: spawnedProcesses,
  });
  const endpoints = new EndpointService({
    store,
    drivers,
    networks,
    index: index.endpoints,
    ...(cluster ? { cluster } : {}),
    onError: (message, error) => wiring.logger.warn(message, { error: String(error) }),
    logger: wiring.logger,
    bus,
  });
  return { networks, endpoints, networkEndpoints };
}

function wireContainers(wiring: EngineWiring, parts: Mechanisms): ContainerService {
  const { config, linux, logger } = wiring;
  const { dns, index } = parts;
  const attacher = new NetworkAttacher({ networks: parts.networks, endpoints: parts.endpoints, sandboxes: linux.kernel.sandboxes, containers: index.containers, daemonShortId: wiring.daemonShortId });
  return new ContainerService({
    store: wiring.store,
    index: index.containers,
    images: imageSource(parts.imageStore),
    runtime: containerRuntime(parts.runtime),
    attacher,
    ports: parts.publisher,
    directory: join(config.dataRoot, 'containers'),
    interfaceOf: parts.interfaceOf,
    logDefaults: config.logConfig,
    bus: parts.events,
    volumes: parts.containerVolumes,
    events: (message, fields) => logger.info(message, fields),
    logger,
    dns: {
      targetFor: (endpoints) => dns.targetFor(endpoints),
      install: async (netnsPath, target, containerId) => void (await Promise.all([linux.containerDns.install(netnsPath, target), dns.attach(containerId, netnsPath, target)])),
      release: (containerId) => dns.detach(containerId),
    },
  });
}

/** Named volumes (records in the store, data under `<data-root>/volumes`) and their part in containers. */
async function wireVolumes(wiring: EngineWiring, parts: { index: EngineIndex; events: EventBus; imageStore: ImageStore }): Promise<{ volumes: VolumeService; containerVolumes: ContainerVolumes }> {
  const { index, imageStore } = parts;
  const usersOf = (name: string): string[] => containersUsing(index.containers.all(), name);
  const volumes = new VolumeService({ store: wiring.store, host: new LocalVolumeDirs(join(wiring.config.dataRoot, 'volumes')), users: { usersOf }, bus: parts.events });
  await volumes.load();
  const rootOf = (id: string) => {
    const container = index.containers.get(id);
    return container ? { directory: join(wiring.config.dataRoot, 'containers', id), layers: imageStore.layersOf(container.imageId) } : undefined;
  };
  return { volumes, containerVolumes: new ContainerVolumes({ volumes, containers: index.containers, copyUp: volumeCopyUp(rootOf) }) };
}
