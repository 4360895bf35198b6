/**
 * The embedded resolver's share of start-up. It keeps its port across restarts, so adopted
 * containers' 127.0.0.11 rules stay valid; when the port had to change, their rules are re-pointed.
 * Listeners inside macvlan containers' namespaces died with the previous process: they are opened
 * again before the API answers (in parallel, a few at a time).
 */
import { put, type Store } from '../store/index.js';
import type { Logger } from '../util/logger.js';
import type { ContainerService } from './containers/container-service.js';
import type { EndpointService } from './networks/endpoint-service.js';
import type { NetworkService } from './networks/network-service.js';

export interface DnsListener {
  /** Binds the resolver, on `preferred` when it is free; returns the port it got. */
  listen(preferred: number): Promise<number>;
}

export interface DnsAdoptionDeps {
  store: Store;
  dns: DnsListener;
  containers: ContainerService;
  endpoints: EndpointService;
  networks: NetworkService;
  logger: Logger;
}

export async function adoptDns(deps: DnsAdoptionDeps, adopted: readonly string[]): Promise<void> {
  const { containers, logger } = deps;
  const previousPort = (await deps.store.get<number>('meta', 'dns-port')) ?? 0;
  const dnsPort = await deps.dns.listen(previousPort);
  if (dnsPort !== previousPort) await deps.store.commit([put('meta', 'dns-port', dnsPort)]);
  const dnsAdoptions: Array<Promise<void>> = [];
  for (const containerId of adopted) {
    const container = containers.get(containerId);
    const attached = deps.endpoints.endpointsOfContainer(containerId).map((endpoint) => ({ network: deps.networks.inspect(endpoint.networkId), endpoint }));
    if (dnsPort === previousPort) dnsAdoptions.push(containers.adoptDns(container, attached));
    else await containers.refreshDns(container, attached).catch((error: unknown) => logger.error('dns rules of adopted container', { id: containerId, error: String(error) }));
  }
  await Promise.all(dnsAdoptions);
  logger.info('embedded dns listening', { port: dnsPort });
}
