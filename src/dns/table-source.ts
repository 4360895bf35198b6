/**
 * The name table from the engine's live state: every user-defined network with its endpoints
 * (only running containers have endpoints), container hostnames from the containers. Pure.
 */
import type { Container } from '../model/container.js';
import type { Endpoint, Network } from '../model/network.js';
import type { NameTable } from './name-table.js';

/**
 * Embedded DNS is for user-defined bridge networks: not the default bridge, host or none, and not
 * yet macvlan, whose gateway is a router on the LAN rather than the host (the resolver would be
 * unreachable there, so those containers keep the host's nameservers for now).
 */
export function hasEmbeddedDns(network: Network): boolean {
  return !network.predefined && network.driver === 'bridge';
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
        hostname: containerOf(endpoint.containerId)?.config.hostname ?? '',
        ipv4: endpoint.ipv4Address.split('/')[0] ?? '',
        ipv6: endpoint.ipv6Address.split('/')[0] ?? '',
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
