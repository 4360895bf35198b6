import { release, arch } from 'node:os';
import type { ServerResponse } from 'node:http';
import { commonHeaders, sendJson } from '../http.js';
import type { HostForwarding } from '../../model/host-forwarding.js';
import type { HostConfinement } from '../../model/security.js';
import { renderInfo } from '../render/info.js';
import type { Router } from '../router.js';
import { API_VERSION, ENGINE_VERSION, MIN_API_VERSION } from '../version.js';

export interface SystemInfo {
  id: string;
  dataRoot: string;
  networkDrivers: () => string[];
  counts: () => { containers: number; running: number; paused: number; stopped: number; images: number };
  startedAt: string;
  /** The host's forwarding and br_netfilter switches, read at each request. */
  forwarding: () => Promise<HostForwarding>;
  confinement: HostConfinement;
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

  router.add('GET', '/info', async ({ response }) => {
    const facts = { id: info.id, dataRoot: info.dataRoot, networkDrivers: info.networkDrivers(), counts: info.counts(), forwarding: await info.forwarding(), confinement: info.confinement };
    sendJson(response, 200, renderInfo(facts));
  });
}
