import { hostname, totalmem, cpus, release, arch } from 'node:os';
import type { ServerResponse } from 'node:http';
import { commonHeaders, sendJson } from '../http.js';
import type { Router } from '../router.js';
import { API_VERSION, ENGINE_VERSION, MIN_API_VERSION } from '../version.js';

export interface SystemInfo {
  id: string;
  dataRoot: string;
  networkDrivers: () => string[];
  counts: () => { containers: number; running: number; paused: number; stopped: number; images: number };
  startedAt: string;
}

const GO_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386' };

function ping(response: ServerResponse, withBody: boolean): void {
  response.writeHead(200, {
    ...commonHeaders(),
    'Cache-Control': 'no-cache, no-store, must-revalidate',
    Pragma: 'no-cache',
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': withBody ? 2 : 0,
  });
  response.end(withBody ? 'OK' : undefined);
}

export function systemRoutes(router: Router, info: SystemInfo): void {
  router.add('GET', '/_ping', ({ request, response }) => ping(response, request.method !== 'HEAD'));

  router.add('GET', '/version', ({ response }) => {
    const details = {
      ApiVersion: API_VERSION,
      Arch: GO_ARCH[arch()] ?? arch(),
      BuildTime: info.startedAt,
      Experimental: 'false',
      GitCommit: 'conet',
      GoVersion: `node${process.versions.node}`,
      KernelVersion: release(),
      MinAPIVersion: MIN_API_VERSION,
      Os: 'linux',
    };
    sendJson(response, 200, {
      Platform: { Name: 'conet' },
      Components: [{ Name: 'Engine', Version: ENGINE_VERSION, Details: details }],
      Version: ENGINE_VERSION,
      ApiVersion: API_VERSION,
      MinAPIVersion: MIN_API_VERSION,
      GitCommit: 'conet',
      GoVersion: `node${process.versions.node}`,
      Os: 'linux',
      Arch: details.Arch,
      KernelVersion: release(),
      BuildTime: info.startedAt,
    });
  });

  router.add('GET', '/info', ({ response }) => {
    const counts = info.counts();
    sendJson(response, 200, {
      ID: info.id,
      Containers: counts.containers,
      ContainersRunning: counts.running,
      ContainersPaused: counts.paused,
      ContainersStopped: counts.stopped,
      Images: counts.images,
      Driver: 'overlay',
      DriverStatus: [],
      Plugins: { Volume: [], Network: info.networkDrivers(), Authorization: null, Log: ['json-file'] },
      MemoryLimit: false,
      SwapLimit: false,
      CpuCfsPeriod: false,
      CpuCfsQuota: false,
      CPUShares: false,
      CPUSet: false,
      PidsLimit: false,
      IPv4Forwarding: true,
      BridgeNfIptables: false,
      BridgeNfIp6tables: false,
      Debug: false,
      NFd: 0,
      OomKillDisable: false,
      NGoroutines: 0,
      SystemTime: new Date().toISOString(),
      LoggingDriver: 'json-file',
      CgroupDriver: 'cgroupfs',
      CgroupVersion: '2',
      NEventsListener: 0,
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
      DockerRootDir: info.dataRoot,
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
      ContainerdCommit: { ID: '', Expected: '' },
      RuncCommit: { ID: '', Expected: '' },
      InitCommit: { ID: '', Expected: '' },
      SecurityOptions: [],
      Warnings: null,
    });
  });
}
