/**
 * Typed port bindings -> the ordered list of host bindings to reserve. Decoding Docker's text
 * ("80/tcp", HostPort "8000-8005") happens once at the API edge (api/decode/port-bindings.ts);
 * here a binding's hostPort is null (any port of the ephemeral range) or a range (the first free
 * one in it). With publishAll (-P) every exposed port without a binding gets a dynamic one on
 * 0.0.0.0.
 */
import type { ContainerPort, PortBinding, PortProtocol, PortRange } from '../model/port.js';

export type { PortRange };

/** One host binding to publish for one container port. */
export interface PortRequest {
  containerPort: number;
  protocol: PortProtocol;
  /** Canonical: '0.0.0.0' when the binding named no address, RFC 5952 for IPv6, no brackets. */
  hostIp: string;
  /** null: any free port from the ephemeral range (Docker's HostPort "" or "0"). */
  hostPort: PortRange | null;
}

/**
 * Docker's order (go-connections SortPortMap): explicit host ports first, larger first; then
 * larger container ports; tcp before udp. It decides which container port gets which ephemeral
 * port (S036: 443 -> 32768, 80 -> 32769).
 */
function dockerOrder(a: PortRequest, b: PortRequest): number {
  return (b.hostPort?.start ?? 0) - (a.hostPort?.start ?? 0)
    || b.containerPort - a.containerPort
    || Number(b.protocol === 'tcp') - Number(a.protocol === 'tcp');
}

export function portRequests(bindings: readonly PortBinding[], exposed: readonly ContainerPort[], publishAll: boolean): PortRequest[] {
  const requests: PortRequest[] = [];
  const bound = new Set<string>();
  for (const binding of bindings) {
    requests.push({ containerPort: binding.containerPort, protocol: binding.protocol, hostIp: binding.hostIp || '0.0.0.0', hostPort: binding.hostPort });
    bound.add(`${binding.containerPort}/${binding.protocol}`);
  }
  if (publishAll) {
    for (const { port, protocol } of exposed) {
      if (bound.has(`${port}/${protocol}`)) continue;
      bound.add(`${port}/${protocol}`);
      requests.push({ containerPort: port, protocol, hostIp: '0.0.0.0', hostPort: null });
    }
  }
  return requests.sort(dockerOrder);
}
