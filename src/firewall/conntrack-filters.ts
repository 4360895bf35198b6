/**
 * Which conntrack entries to flush when ports or endpoints go (Docker flushes by address on
 * endpoint removal and by port for UDP mappings). Entries outlive the rules that made them: a
 * UDP sender that keeps sending keeps its DNAT to a removed container's address, which the next
 * container on that address then receives; and a flow that hit a port before it was published
 * stays un-NATed while the sender keeps going.
 */
import type { ConntrackFilter } from '../kernel/ports.js';
import type { PortMapping } from './intent.js';

function family(hostIp: string): ConntrackFilter['family'] {
  return hostIp.includes(':') ? 'ipv6' : 'ipv4';
}

/** UDP flows to a newly published host port (its specific address, or any). */
export function publishFlushes(mappings: readonly PortMapping[]): ConntrackFilter[] {
  const filters: ConntrackFilter[] = [];
  for (const mapping of mappings) {
    if (mapping.protocol !== 'udp') continue;
    const port = { protocol: 'udp' as const, destinationPort: mapping.hostPort };
    if (mapping.hostIp === '0.0.0.0') {
      filters.push({ family: 'ipv4', ...port });
      if (mapping.containerAddress6 !== undefined) filters.push({ family: 'ipv6', ...port });
    } else if (mapping.hostIp === '::') {
      filters.push({ family: 'ipv6', ...port });
    } else {
      filters.push({ family: family(mapping.hostIp), destination: mapping.hostIp, ...port });
    }
  }
  return filters;
}

/** Every flow DNATed through the removed mappings, to the container's addresses. */
export function unpublishFlushes(mappings: readonly PortMapping[]): ConntrackFilter[] {
  const filters: ConntrackFilter[] = [];
  for (const mapping of mappings) {
    const port = { protocol: mapping.protocol, destinationPort: mapping.hostPort };
    filters.push({ replySource: mapping.containerAddress, ...port });
    if (mapping.containerAddress6 !== undefined) filters.push({ replySource: mapping.containerAddress6, ...port });
  }
  return filters;
}

/** Every flow from, to or DNATed to the addresses (CIDR suffixes allowed, as endpoints store them). */
export function endpointFlushes(addresses: readonly string[]): ConntrackFilter[] {
  return addresses
    .map((address) => address.split('/')[0] ?? '')
    .filter((address) => address !== '')
    .flatMap((address) => [{ source: address }, { destination: address }, { replySource: address }]);
}
