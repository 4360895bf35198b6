/**
 * The name table from the engine's live state: every user-defined network with its endpoints
 * (only running containers have endpoints), container hostnames from the containers. Pure.
 */
import type { Container, ContainerLink } from '../model/container.js';
import type { Endpoint, Network } from '../model/network.js';
import type { NameTable } from './name-table.js';

/** Drivers of user-defined networks with embedded DNS (not the default bridge, host or none). */
const DNS_DRIVERS = new Set(['bridge', 'overlay', 'macvlan']);

/**
 * Embedded DNS is for user-defined bridge, overlay and macvlan networks: not the default bridge,
 * host or none (as Docker).
 */
export function hasEmbeddedDns(network: Network): boolean {
  return !network.predefined && DNS_DRIVERS.has(network.driver);
}

/** HostConfig.Links, then the links given when the container was connected to this network. */
function linksOf(container: Container | undefined, network: Network): ContainerLink[] {
  if (!container) return [];
  const request = container.endpointRequests[network.name] ?? container.endpointRequests[network.id];
  return [...(container.hostConfig.links ?? []), ...(request?.links ?? [])];
}

export function buildNameTable(networks: readonly Network[], endpointsOf: (networkId: string) => readonly Endpoint[], containerOf: (containerId: string) => Container | undefined): NameTable {
  return {
    networks: networks.filter(hasEmbeddedDns).map((network) => ({
      id: network.id,
      name: network.name,
      internal: network.internal,
      endpoints: endpointsOf(network.id).map((endpoint) => ({
        containerId: endpoint.containerId,
        name: endpoint.name,
        aliases: endpoint.aliases,
        hostname: containerOf(endpoint.containerId)?.config.hostname ?? endpoint.hostname ?? '',
        ipv4: endpoint.ipv4Address.split('/')[0] ?? '',
        ipv6: endpoint.ipv6Address.split('/')[0] ?? '',
        links: linksOf(containerOf(endpoint.containerId), network),
      })),
    })),
  };
}

/** Servers of the daemon's resolv.conf text, loopback ones included (they are reachable from here). */
export function nameserversOf(resolvConf: string): string[] {
  return resolvConf
    .split('\n')
    .map((line) => /^\s*nameserver\s+(\S+)/.exec(line)?.[1])
    .filter((server): server is string => server !== undefined);
}
