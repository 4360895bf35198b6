/**
 * Reserved ports + the container's endpoint -> the firewall's PortMapping intent. '::' bindings
 * are dropped for a container without IPv6 (nothing to DNAT to), as Docker skips IPv6 bindings on
 * networks without IPv6; everything else maps one to one.
 */
import type { PortMapping } from '../firewall/intent.js';
import type { PublishedPort } from '../model/port.js';
import type { ReservedPort } from './reserve.js';

export interface PortEndpoint {
  networkId: string;
  bridge: string;
  containerAddress: string;
  containerAddress6?: string;
}

export function toPortMappings(endpoint: PortEndpoint, ports: readonly ReservedPort[]): PortMapping[] {
  const mappings: PortMapping[] = [];
  for (const port of ports) {
    if (port.hostIp.includes(':') && endpoint.containerAddress6 === undefined) continue;
    mappings.push({ ...endpoint, protocol: port.protocol, hostIp: port.hostIp, hostPort: port.hostPort, containerPort: port.containerPort });
  }
  return mappings;
}

/**
 * What inspect and `docker port` show. A '0.0.0.0' binding of a container with IPv6 is also
 * reachable on '::', and Docker lists it twice (0.0.0.0:8080 and [::]:8080), so we do too: the
 * twin follows its binding in the list.
 */
export function shownBindings(reserved: readonly ReservedPort[], withIpv6: boolean): PublishedPort[] {
  const result: PublishedPort[] = [];
  for (const port of reserved) {
    result.push({ ...port });
    const explicit = reserved.some((other) => other.hostIp === '::' && other.hostPort === port.hostPort && other.protocol === port.protocol);
    if (withIpv6 && port.hostIp === '0.0.0.0' && !explicit) result.push({ ...port, hostIp: '::' });
  }
  return result;
}

/** The reserved ports behind shown bindings: the '::' twins shownBindings() added are not reservations. */
export function withoutIpv6Twins(list: readonly PublishedPort[]): PublishedPort[] {
  const any4 = new Set(list.filter((port) => port.hostIp === '0.0.0.0').map((port) => `${port.containerPort}/${port.protocol}/${port.hostPort}`));
  return list.filter((port) => !(port.hostIp === '::' && any4.has(`${port.containerPort}/${port.protocol}/${port.hostPort}`)));
}
