/**
 * GET /info as Docker 20.10 shows it. What conet doesn't have (cgroup limits, swarm, proxies) is
 * reported the way an engine without it reports it; forwarding and br_netfilter are the host's.
 */
import { arch, cpus, hostname, release, totalmem } from 'node:os';
import type { HostForwarding } from '../../model/host-forwarding.js';
import type { HostConfinement } from '../../model/security.js';
import { ENGINE_VERSION } from '../version.js';

export interface InfoFacts {
  id: string;
  dataRoot: string;
  networkDrivers: string[];
  counts: { containers: number; running: number; paused: number; stopped: number; images: number };
  forwarding: HostForwarding;
  confinement: HostConfinement;
}

/** Docker's SecurityOptions: AppArmor where enabled, the seccomp profile unless unconfined. */
export function securityOptions(confinement: HostConfinement): string[] {
  return [
    ...(confinement.appArmor ? ['name=apparmor'] : []),
    ...(confinement.seccompProfile !== '' ? [`name=seccomp,profile=${confinement.seccompProfile}`] : []),
  ];
}

const NO_COMMIT = { ID: '', Expected: '' };

function features(forwarding: HostForwarding): Record<string, unknown> {
  return {
    MemoryLimit: false,
    SwapLimit: false,
    CpuCfsPeriod: false,
    CpuCfsQuota: false,
    CPUShares: false,
    CPUSet: false,
    PidsLimit: false,
    IPv4Forwarding: forwarding.ipv4Forwarding,
    BridgeNfIptables: forwarding.bridgeNfIptables,
    BridgeNfIp6tables: forwarding.bridgeNfIp6tables,
    Debug: false,
    NFd: 0,
    OomKillDisable: false,
    NGoroutines: 0,
  };
}

function host(): Record<string, unknown> {
  return {
    KernelVersion: release(),
    OperatingSystem: 'conet',
    OSVersion: '',
    OSType: 'linux',
    Architecture: arch() === 'x64' ? 'x86_64' : arch(),
    IndexServerAddress: '',
    RegistryConfig: { AllowNondistributableArtifactsCIDRs: [], AllowNondistributableArtifactsHostnames: [], InsecureRegistryCIDRs: [], IndexConfigs: {}, Mirrors: [] },
    NCPU: cpus().length,
    MemTotal: totalmem(),
    GenericResources: null,
  };
}

export function renderInfo(facts: InfoFacts, now: Date = new Date()): Record<string, unknown> {
  const { counts } = facts;
  return {
    ID: facts.id,
    Containers: counts.containers,
    ContainersRunning: counts.running,
    ContainersPaused: counts.paused,
    ContainersStopped: counts.stopped,
    Images: counts.images,
    Driver: 'overlay',
    DriverStatus: [],
    Plugins: { Volume: [], Network: facts.networkDrivers, Authorization: null, Log: ['json-file'] },
    ...features(facts.forwarding),
    SystemTime: now.toISOString(),
    LoggingDriver: 'json-file',
    CgroupDriver: 'cgroupfs',
    CgroupVersion: '2',
    NEventsListener: 0,
    ...host(),
    DockerRootDir: facts.dataRoot,
    HttpProxy: '',
    HttpsProxy: '',
    NoProxy: '',
    Name: hostname(),
    Labels: [],
    ExperimentalBuild: false,
    ServerVersion: ENGINE_VERSION,
    Runtimes: { runc: { path: 'runc' } },
    DefaultRuntime: 'runc',
    Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
    LiveRestoreEnabled: false,
    Isolation: '',
    InitBinary: '',
    ContainerdCommit: NO_COMMIT,
    RuncCommit: NO_COMMIT,
    InitCommit: NO_COMMIT,
    SecurityOptions: securityOptions(facts.confinement),
    Warnings: null,
  };
}
