/** Plain domain types for containers. Imports nothing but other domain types. */
import type { CapabilityChanges } from './capabilities.js';
import type { HealthConfig, HealthState } from './health.js';
import type { PortBinding, PublishedPort } from './port.js';
import type { ContainerIsolation } from './isolation.js';
import type { ContainerResources } from './resources.js';
import type { ContainerSecurity } from './security.js';
import type { MountSpec } from './mounts.js';
import type { VolumesFrom } from './volume.js';

export type { PortBinding, PublishedPort };

export interface ContainerConfig {
  hostname: string;
  domainname: string;
  user: string;
  env: string[];
  cmd: string[] | null;
  entrypoint: string[] | null;
  workingDir: string;
  tty: boolean;
  openStdin: boolean;
  stdinOnce: boolean;
  attachStdin: boolean;
  attachStdout: boolean;
  attachStderr: boolean;
  /** "80/tcp" -> {} */
  exposedPorts: Record<string, Record<string, never>>;
  labels: Record<string, string>;
  /** The image reference as the user gave it, e.g. "nginx:1.9.1". */
  image: string;
  /** The healthcheck in effect (the request's merged over the image's); absent when neither has one. */
  healthcheck?: HealthConfig;
  /** Config.Volumes: `-v /path` (and, once created, the image's VOLUMEs), each an anonymous volume unless mounted over. */
  volumes?: string[];
  /** `--stop-signal`, normalised ("SIGTERM", "9"); absent or "" is SIGTERM. */
  stopSignal?: string;
  /** `--stop-timeout` in seconds (negative: wait for ever); absent or null is 10. */
  stopTimeout?: number | null;
}

/** Docker's HostConfig.RestartPolicy: "no", "always", "unless-stopped" or "on-failure" (with a retry cap, 0 = none). */
export interface RestartPolicy {
  name: string;
  maximumRetryCount: number;
}

export interface ContainerHostConfig {
  networkMode: string;
  /** Bindings as requested, in the client's order (a host port may be dynamic or a range). */
  portBindings: PortBinding[];
  publishAllPorts: boolean;
  dns: string[];
  dnsOptions: string[];
  dnsSearch: string[];
  extraHosts: string[];
  autoRemove: boolean;
  restartPolicy: RestartPolicy;
  /** `--cap-add` / `--cap-drop`, normalized. */
  capabilities: CapabilityChanges;
  /** `--security-opt`, decoded (inspect shows the list as given, from raw). */
  security: ContainerSecurity;
  /** `--group-add`, `--read-only`, `--sysctl`, `--ulimit`, `--shm-size`, `--init`, decoded. */
  isolation: ContainerIsolation;
  /** Legacy `--link` (default bridge: hosts entry and environment); absent in older records. */
  links?: ContainerLink[];
  /**
   * `--log-driver` / `--log-opt`, validated; create fills in the daemon's defaults, so a stored
   * container always has a bounded log. Absent only in records stored before logs rotated.
   */
  logConfig?: LogConfig;
  /**
   * `-v`, `--mount` and `--tmpfs`, decoded (api/decode/mounts.ts) in that order. Absent in records
   * stored before mounts were applied (those had none).
   */
  mounts?: MountSpec[];
  /** `--memory`, `--memory-swap`, `--cpus`, `--cpu-shares`, `--pids-limit`; absent in records stored before they were applied. */
  resources?: ContainerResources;
  /** `--volumes-from`, decoded; the mounts it gives are in `mounts` (origin volumes-from). */
  volumesFrom?: VolumesFrom[];
  /** The rest of the HostConfig as the client sent it, echoed by inspect. */
  raw: Record<string, unknown>;
}

/** `--link NAME:ALIAS`: the linked container as given (name or id) and the alias. */
export interface ContainerLink {
  name: string;
  alias: string;
}

/** Docker's HostConfig.LogConfig: a driver name and its options, as strings. */
export interface LogConfig {
  type: string;
  config: Record<string, string>;
}

/** What a log config means for the runtime: rotate at maxSize bytes, keep maxFiles files (the live one included). */
export interface LogLimits {
  maxSize: number;
  maxFiles: number;
}

/** What a container asks for on one network (Docker's EndpointSettings, decoded). */
export interface EndpointRequest {
  aliases: string[];
  ipv4Address: string;
  ipv6Address: string;
  /** Validated and lower-case ("02:42:ac:11:00:02"); '' for one derived from the address. */
  macAddress: string;
  /** `--gw-priority` (API 1.48): the default route goes via the attached network with the highest. */
  gwPriority?: number;
  /** Endpoint driver options (`--network name=…,driver-opt=…`), e.g. com.docker.network.endpoint.ifname. */
  driverOpts?: Record<string, string>;
  /**
   * `docker network connect --link NAME:ALIAS` (compose v1's `links:` on each network): ALIAS
   * resolves as NAME for this container on this network only, as Docker's endpoint links.
   */
  links?: ContainerLink[];
}

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerState {
  status: ContainerStatus;
  pid: number;
  exitCode: number;
  error: string;
  startedAt: string;
  finishedAt: string;
  /** Present once a container with a healthcheck has started (kept after it stops, as Docker). */
  health?: HealthState;
  /** Frozen by `docker pause` (status stays "running": it keeps its network and process). */
  paused?: boolean;
}

export interface Container {
  id: string;
  /** Without the leading slash. */
  name: string;
  created: string;
  imageId: string;
  path: string;
  args: string[];
  config: ContainerConfig;
  hostConfig: ContainerHostConfig;
  /** Network name or id -> what the user asked for on it (NetworkingConfig.EndpointsConfig). */
  endpointRequests: Record<string, EndpointRequest>;
  /**
   * The network of its network mode was disconnected (`docker network disconnect`): as Docker,
   * the container stays off it across restarts until it is connected again.
   */
  primaryDetached?: boolean;
  state: ContainerState;
  /** Network namespace name under /run/netns; "" for host mode and before the first start. */
  sandbox: string;
  /** Published ports in effect while running, host ports chosen, as inspect shows them. */
  ports: PublishedPort[];
  restartCount: number;
  /**
   * Stopped by `docker stop` or `docker kill` (Docker's HasBeenManuallyStopped): its restart
   * policy doesn't bring it back, and `unless-stopped` stays down across a daemon start too.
   * Cleared by a start.
   */
  manuallyStopped?: boolean;
}

export const ZERO_TIME = '0001-01-01T00:00:00Z';
