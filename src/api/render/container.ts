/** Domain container -> Docker 20.10's inspect and list JSON (S049, S005). */
import type { ContainerResources } from '../../model/resources.js';
import type { Container } from '../../model/container.js';
import { MASKED_PATHS, READONLY_PATHS } from '../../model/container-paths.js';
import { DEFAULT_SHM_SIZE } from '../../model/isolation.js';
import { humanDuration } from './human-duration.js';
import { renderNetworkSettings, renderPorts, type NetworkView } from './container-network.js';
import { renderPortBindings } from './container-ports.js';
import { renderMounts, type VolumeSource } from './mounts.js';
import { healthSuffix, renderHealthConfig, renderHealthState } from './health.js';
import { hostConfigAt } from './versioned.js';
import { HOST_CONFIG_ZERO } from './host-config-zero.js';

export interface ContainerPaths {
  directory: string;
  /** The live log file. */
  logPath: string;
  sandboxKey: string;
  /** A volume's directory by name (inspect's Mounts show it as Source). */
  volumeSource?: VolumeSource;
}

function renderConfig(container: Container): Record<string, unknown> {
  const config = container.config;
  return {
    Hostname: config.hostname,
    Domainname: config.domainname,
    User: config.user,
    AttachStdin: config.attachStdin,
    AttachStdout: config.attachStdout,
    AttachStderr: config.attachStderr,
    ...(Object.keys(config.exposedPorts).length > 0 ? { ExposedPorts: config.exposedPorts } : {}),
    Tty: config.tty,
    OpenStdin: config.openStdin,
    StdinOnce: config.stdinOnce,
    Env: config.env.length > 0 ? config.env : null,
    Cmd: config.cmd,
    Image: config.image,
    Volumes: config.volumes && config.volumes.length > 0 ? Object.fromEntries(config.volumes.map((path) => [path, {}])) : null,
    WorkingDir: config.workingDir,
    Entrypoint: config.entrypoint,
    OnBuild: null,
    Labels: config.labels,
    ...(config.healthcheck ? { Healthcheck: renderHealthConfig(config.healthcheck) } : {}),
    ...(config.stopSignal ? { StopSignal: config.stopSignal } : {}),
    ...(typeof config.stopTimeout === 'number' ? { StopTimeout: config.stopTimeout } : {}),
  };
}

function renderHostConfig(container: Container): Record<string, unknown> {
  const host = container.hostConfig;
  return {
    ...HOST_CONFIG_ZERO,
    ...host.raw,
    LogConfig: { Type: host.logConfig?.type ?? 'json-file', Config: host.logConfig?.config ?? {} },
    NetworkMode: host.networkMode,
    PortBindings: renderPortBindings(host.portBindings),
    RestartPolicy: { Name: host.restartPolicy.name, MaximumRetryCount: host.restartPolicy.maximumRetryCount },
    AutoRemove: host.autoRemove,
    Dns: host.dns,
    DnsOptions: host.dnsOptions,
    DnsSearch: host.dnsSearch,
    ExtraHosts: host.extraHosts.length > 0 ? host.extraHosts : null,
    PublishAllPorts: host.publishAllPorts,
    CgroupnsMode: 'host',
    IpcMode: 'private',
    Runtime: 'runc',
    // The size applied to /dev/shm (oci-spec.ts), not the request's 0.
    ShmSize: host.isolation.shmSize || DEFAULT_SHM_SIZE,
    OomScoreAdj: host.isolation.oomScoreAdj ?? 0,
    MaskedPaths: MASKED_PATHS,
    ReadonlyPaths: READONLY_PATHS,
    ...renderResources(host.resources),
  };
}

/** The limits in effect (create's, with Docker's defaults filled in, then `docker update`'s). */
function renderResources(resources: ContainerResources | undefined): Record<string, unknown> {
  if (!resources) return {};
  return {
    Memory: resources.memory,
    MemorySwap: resources.memorySwap,
    NanoCpus: resources.nanoCpus,
    CpuShares: resources.cpuShares,
    CpuPeriod: resources.cpuPeriod ?? 0,
    CpuQuota: resources.cpuQuota ?? 0,
    MemoryReservation: resources.memoryReservation ?? 0,
    CpusetCpus: resources.cpusetCpus ?? '',
    CpusetMems: resources.cpusetMems ?? '',
    BlkioWeight: resources.blkioWeight ?? 0,
    ...renderBlkioDevices(resources),
    PidsLimit: resources.pidsLimit > 0 ? resources.pidsLimit : null,
  };
}

/** The per-device blkio options in effect (a dropped one is empty, as Docker stores it). */
function renderBlkioDevices(resources: ContainerResources): Record<string, unknown> {
  const devices = resources.blkioDevices;
  // Docker shows an empty throttle list as null (what the CLI sends), an empty weight list as [].
  const rates = (values: ReadonlyArray<{ path: string; value: number }> = []) => (values.length > 0 ? values.map((device) => ({ Path: device.path, Rate: device.value })) : null);
  return {
    BlkioWeightDevice: (devices?.weight ?? []).map((device) => ({ Path: device.path, Weight: device.value })),
    BlkioDeviceReadBps: rates(devices?.readBps),
    BlkioDeviceWriteBps: rates(devices?.writeBps),
    BlkioDeviceReadIOps: rates(devices?.readIOps),
    BlkioDeviceWriteIOps: rates(devices?.writeIOps),
  };
}

/** Docker's Status word: "paused" for a frozen running container. */
function dockerStatus(container: Container): string {
  return container.state.status === 'running' && container.state.paused ? 'paused' : container.state.status;
}

export function renderInspect(container: Container, views: readonly NetworkView[], paths: ContainerPaths, version: string): Record<string, unknown> {
  const { status } = container.state;
  return {
    Id: container.id,
    Created: container.created,
    Path: container.path,
    Args: container.args,
    State: {
      Status: dockerStatus(container),
      // As Docker's: a paused or restarting container counts as running.
      Running: status === 'running' || status === 'restarting',
      Paused: status === 'running' && container.state.paused === true,
      Restarting: status === 'restarting',
      OOMKilled: false,
      Dead: false,
      Pid: container.state.pid,
      ExitCode: container.state.exitCode,
      Error: container.state.error,
      StartedAt: container.state.startedAt,
      FinishedAt: container.state.finishedAt,
      ...(container.state.health ? { Health: renderHealthState(container.state.health) } : {}),
    },
    Image: container.imageId,
    ResolvConfPath: `${paths.directory}/resolv.conf`,
    HostnamePath: `${paths.directory}/hostname`,
    HostsPath: `${paths.directory}/hosts`,
    LogPath: paths.logPath,
    Name: `/${container.name}`,
    RestartCount: container.restartCount,
    Driver: 'overlay',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: null,
    HostConfig: hostConfigAt(renderHostConfig(container), version),
    GraphDriver: { Data: { MergedDir: `${paths.directory}/rootfs`, UpperDir: `${paths.directory}/upper`, WorkDir: `${paths.directory}/work` }, Name: 'overlay' },
    Mounts: renderMounts(container.hostConfig.mounts, paths.volumeSource),
    Config: renderConfig(container),
    NetworkSettings: renderNetworkSettings(container, views, paths.sandboxKey, version),
  };
}

function statusText(container: Container, now: number): string {
  const { state } = container;
  if (state.status === 'running') return `Up ${humanDuration(now - Date.parse(state.startedAt))}${state.paused ? ' (Paused)' : healthSuffix(container)}`;
  if (state.status === 'restarting') return `Restarting (${state.exitCode}) ${humanDuration(now - Date.parse(state.finishedAt))} ago`;
  if (state.status === 'exited') return `Exited (${state.exitCode}) ${humanDuration(now - Date.parse(state.finishedAt))} ago`;
  if (state.status === 'created') return 'Created';
  return state.status;
}

function commandText(container: Container): string {
  return [container.path, ...container.args].join(' ');
}

export function renderListItem(container: Container, views: readonly NetworkView[], version: string, now = Date.now(), volumeSource?: VolumeSource): Record<string, unknown> {
  const ports: Array<Record<string, unknown>> = [];
  for (const [port, bindings] of Object.entries(renderPorts(container))) {
    const [number = '0', type = 'tcp'] = port.split('/');
    if (!bindings) {
      ports.push({ PrivatePort: Number(number), Type: type });
      continue;
    }
    for (const binding of bindings) ports.push({ IP: binding.HostIp, PrivatePort: Number(number), PublicPort: Number(binding.HostPort), Type: type });
  }
  const settings = renderNetworkSettings(container, views, '', version) as { Networks: Record<string, unknown> };
  return {
    Id: container.id,
    Names: [`/${container.name}`],
    Image: container.config.image,
    ImageID: container.imageId,
    Command: commandText(container),
    Created: Math.floor(Date.parse(container.created) / 1000),
    Ports: ports,
    Labels: container.config.labels,
    State: dockerStatus(container),
    Status: statusText(container, now),
    HostConfig: { NetworkMode: container.hostConfig.networkMode === 'default' ? 'bridge' : container.hostConfig.networkMode },
    NetworkSettings: { Networks: settings.Networks },
    Mounts: renderMounts(container.hostConfig.mounts, volumeSource),
  };
}
