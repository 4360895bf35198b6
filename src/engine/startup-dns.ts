/**
 * The embedded resolver's share of start-up. Its listeners live inside the containers'
 * namespaces but are held by the daemon process, so they died with the previous one: every
 * adopted container gets its sockets and rules again before the API answers (in parallel, a few
 * Node children at a time; the rules are re-applied because this run's port may differ).
 */
import type { Logger } from '../util/logger.js';
import type { ContainerService } from './containers/container-service.js';
import type { EndpointService } from './networks/endpoint-service.js';
import type { NetworkService } from './networks/network-service.js';

export interface DnsResolverInfo {
  /** The port of the listeners inside containers (127.0.0.11:PORT). */
  readonly port: number;
}

export interface DnsAdoptionDeps {
  dns: DnsResolverInfo;
  containers: ContainerService;
  endpoints: EndpointService;
  networks: NetworkService;
  logger: Logger;
}

export async function adoptDns(deps: DnsAdoptionDeps, adopted: readonly string[]): Promise<void> {
  const { containers } = deps;
  await Promise.all(adopted.map((containerId) => {
    const attached = deps.endpoints.endpointsOfContainer(containerId).map((endpoint) => ({ network: deps.networks.inspect(endpoint.networkId), endpoint }));
    return containers.adoptDns(containers.get(containerId), attached);
  }));
  deps.logger.info('embedded dns ready', { port: deps.dns.port, adopted: adopted.length });
}
