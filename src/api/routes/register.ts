/**
 * Every route of the Docker API on one router, from one typed bundle of the engine services the
 * routes use. The order of registration is the order of matching.
 */
import type { ContainerArchives } from '../../engine/containers/container-archive.js';
import type { ContainerNetworking } from '../../engine/containers/container-networks.js';
import type { ContainerResourceService } from '../../engine/containers/container-resources.js';
import type { ContainerService } from '../../engine/containers/container-service.js';
import type { ResourceLimits } from '../decode/resources.js';
import type { ContainerStreams } from '../../engine/containers/dependencies.js';
import type { ExecService } from '../../engine/exec/exec-service.js';
import type { ImageCatalog } from '../../engine/images/catalog.js';
import type { EventBus } from '../../engine/events/event-bus.js';
import type { EndpointService } from '../../engine/networks/endpoint-service.js';
import type { EndpointSource, NetworkService } from '../../engine/networks/network-service.js';
import type { VolumeService } from '../../engine/volumes/volume-service.js';
import type { HostConfinement } from '../../model/security.js';
import type { Router } from '../router.js';
import { archiveRoutes } from './archive.js';
import { attachRoutes } from './attach.js';
import { buildRoutes } from './build.js';
import { containerRoutes } from './containers.js';
import { containerCommandRoutes, type ContainerCommands } from './container-commands.js';
import { eventRoutes } from './events.js';
import { networkViews } from '../../engine/containers/views.js';
import { execRoutes } from './exec.js';
import { imageRoutes } from './images.js';
import { logRoutes } from './logs.js';
import { networkConnectRoutes } from './network-connect.js';
import { networkRoutes } from './networks.js';
import { statsRoutes } from './stats.js';
import { systemRoutes, type SystemInfo } from './system.js';
import { volumeRoutes } from './volumes.js';

export interface ApiServices {
  /** What /info and /version say of this daemon (the container and image counts come from the services). */
  system: Omit<SystemInfo, 'counts' | 'confinement'>;
  networks: NetworkService;
  /** What `network inspect` lists: every node's endpoints and the running host-mode containers. */
  networkEndpoints: EndpointSource;
  endpoints: EndpointService;
  images: ImageCatalog;
  containers: ContainerService;
  networking: ContainerNetworking;
  streams: ContainerStreams;
  execs: ExecService;
  /** `docker cp`: the archive endpoints. */
  archives: ContainerArchives;
  /** The path of a sandbox (network namespace) by name, shown as SandboxKey. */
  sandboxPath: (name: string) => string;
  /** `docker events`. */
  events: EventBus;
  /** `docker top`, `docker container prune`, `docker system df`. */
  commands: Pick<ContainerCommands, 'top' | 'prune' | 'diskUsage'>;
  /** `docker update` of cgroup limits, `docker stats`. */
  resources: ContainerResourceService;
  /** What the host's resources allow (`--cpus` up to its CPUs). */
  resourceLimits: ResourceLimits;
  /** AppArmor on this host, the daemon's seccomp profile: /info and container create read it. */
  confinement: HostConfinement;
  /** `docker volume …`: the local driver's named volumes. */
  volumes: VolumeService;
}

export function registerRoutes(router: Router, services: ApiServices): void {
  const { containers, streams } = services;
  systemRoutes(router, { ...services.system, confinement: services.confinement, counts: () => counts(services) });
  networkRoutes(router, services.networks, services.networkEndpoints);
  imageRoutes(router, services.images);
  containerRoutes(router, { containers, networks: services.networks, endpoints: services.endpoints, sandboxPath: services.sandboxPath, confinement: services.confinement, limits: services.resourceLimits, resources: services.resources, volumeSource: (name) => (name ? services.volumes.mountpoint(name) : '') });
  statsRoutes(router, { containers, resources: services.resources });
  networkConnectRoutes(router, services.networking);
  attachRoutes(router, { containers, streams });
  logRoutes(router, { containers, streams });
  execRoutes(router, services.execs);
  archiveRoutes(router, services.archives);
  buildRoutes(router);
  volumeRoutes(router, services.volumes);
  eventRoutes(router, services.events);
  containerCommandRoutes(router, { ...services.commands, archives: services.archives, views: (container) => networkViews(container, services) });
}

function counts(services: ApiServices): ReturnType<SystemInfo['counts']> {
  const all = services.containers.all();
  const paused = all.filter((container) => container.state.status === 'running' && container.state.paused).length;
  const running = all.filter((container) => container.state.status === 'running').length - paused;
  return { containers: all.length, running, paused, stopped: all.length - running - paused, images: services.images.list().length };
}
