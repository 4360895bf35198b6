/**
 * Reserved ports + the container's endpoint -> the firewall's PortMapping intent. '::' bindings
 * are dropped for a container without IPv6 (nothing to DNAT to), as Docker skips IPv6 bindings on
 * networks without IPv6; everything else maps one to one.
 */
import type { PortMapping } from '../firewall/intent.js';
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
