/**
 * Which of a container's networks carries its default route (Docker 28's `--gw-priority`): per
 * family, the endpoint with a gateway on a non-internal network with the highest priority; among
 * equals the one attached last (what plugging each interface in turn has always done).
 */
import type { SandboxPort } from '../../kernel/ports.js';
import type { Endpoint, Network } from '../../model/network.js';
import { parseInterfaceName, parseIpAddress, parseNetnsName } from '../../util/kernel-values.js';

export interface GatewayRouteDeps {
  sandboxes: SandboxPort;
  networks: { all(): Network[] };
  endpoints: { endpointsOfContainer(containerId: string): Endpoint[] };
}

/** The endpoint whose gateway of `family` the default route goes via; undefined when none has one. */
export function gatewayEndpoint(endpoints: readonly Endpoint[], internal: (networkId: string) => boolean, family: 4 | 6): Endpoint | undefined {
  let chosen: Endpoint | undefined;
  for (const endpoint of endpoints) {
    const gateway = family === 4 ? endpoint.gateway4 : endpoint.gateway6;
    if (!gateway || internal(endpoint.networkId)) continue;
    if (!chosen || (endpoint.gwPriority ?? 0) >= (chosen.gwPriority ?? 0)) chosen = endpoint;
  }
  return chosen;
}

export class GatewayRoutes {
  constructor(private readonly deps: GatewayRouteDeps) {}

  /** Sets the sandbox's default routes after its set of endpoints changed. */
  async apply(containerId: string, sandbox: string): Promise<void> {
    if (sandbox === '') return;
    const endpoints = this.deps.endpoints.endpointsOfContainer(containerId).filter((endpoint) => endpoint.sandbox === sandbox && !endpoint.remoteNode);
    const internal = new Set(this.deps.networks.all().filter((network) => network.internal).map((network) => network.id));
    for (const family of [4, 6] as const) {
      const endpoint = gatewayEndpoint(endpoints, (id) => internal.has(id), family);
      const gateway = endpoint && (family === 4 ? endpoint.gateway4 : endpoint.gateway6);
      const via = endpoint && gateway ? { gateway: parseIpAddress(gateway), ifname: parseInterfaceName(endpoint.ifname) } : undefined;
      await this.deps.sandboxes.setDefaultRoute(parseNetnsName(sandbox), family, via);
    }
  }
}
