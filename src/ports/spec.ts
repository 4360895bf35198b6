/**
 * Docker API port shapes -> port requests. `HostConfig.PortBindings` is keyed by "80/tcp" (the
 * CLI has already split "80-85/tcp" into one key per port); a binding's HostPort is "" or "0"
 * (pick one from the ephemeral range), "8000", or "8000-8005" (the first free one in that range).
 * With PublishAllPorts (-P) every exposed port without a binding gets a dynamic one on 0.0.0.0.
 * Messages follow the daemon's (`invalid port specification: "x"`) and go-connections'
 * (`invalid IP address: x`, `invalid proto: x`).
 */
import ipaddr from 'ipaddr.js';
import { invalid } from '../errors/index.js';
import type { PortProtocol } from '../model/port.js';

export interface PortRange {
  start: number;
  end: number;
}

/** One host binding to publish for one container port. */
export interface PortRequest {
  containerPort: number;
  protocol: PortProtocol;
  /** Canonical: '0.0.0.0' for "", RFC 5952 for IPv6, no brackets. */
  hostIp: string;
  /** null: any free port from the ephemeral range (Docker's HostPort "" or "0"). */
  hostPort: PortRange | null;
}

export interface ApiPortBinding {
  HostIp?: string;
  HostPort?: string;
}

export type ApiPortBindings = Record<string, ApiPortBinding[] | null> | null | undefined;
export type ApiExposedPorts = Record<string, unknown> | null | undefined;

const PROTOCOLS: readonly PortProtocol[] = ['tcp', 'udp', 'sctp'];
const DIGITS = /^\d{1,5}$/;

function badSpec(spec: string): Error {
  return invalid('invalid-port-spec', `invalid port specification: ${JSON.stringify(spec)}`);
}

function portNumber(text: string, spec: string): number {
  if (!DIGITS.test(text)) throw badSpec(spec);
  const value = Number(text);
  if (value < 1 || value > 65535) {
    throw invalid('port-out-of-range', `invalid port specification: ${JSON.stringify(spec)}: port out of range (1-65535)`);
  }
  return value;
}

/** "80", "80/tcp", "53/UDP" -> port and protocol (tcp by default, as Docker). */
export function parseContainerPort(key: string): { port: number; protocol: PortProtocol } {
  const [portText = '', protocolText = 'tcp', extra] = key.split('/');
  if (extra !== undefined) throw badSpec(key);
  const protocol = (protocolText === '' ? 'tcp' : protocolText.toLowerCase()) as PortProtocol;
  if (!PROTOCOLS.includes(protocol)) throw invalid('invalid-port-protocol', `invalid proto: ${protocolText}`);
  return { port: portNumber(portText, portText), protocol };
}

/** HostPort: "" / "0" -> null (dynamic), "8000", "8000-8005". */
export function parseHostPort(text: string | undefined): PortRange | null {
  if (text === undefined || text === '' || text === '0') return null;
  const [startText = '', endText, extra] = text.split('-');
  if (extra !== undefined) throw badSpec(text);
  const start = portNumber(startText, text);
  const end = endText === undefined ? start : portNumber(endText, text);
  if (end < start) throw invalid('invalid-port-spec', `invalid range specified for port: ${text}`);
  return { start, end };
}

/** HostIp: "" -> 0.0.0.0; "[::1]" and "::1" alike; anything else must be an address. */
export function parseHostIp(text: string | undefined): string {
  if (text === undefined || text === '') return '0.0.0.0';
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(bare) && ipaddr.IPv4.isValidFourPartDecimal(bare)) return ipaddr.IPv4.parse(bare).toString();
  if (bare.includes(':') && !bare.includes('%') && ipaddr.IPv6.isValid(bare)) {
    const address = ipaddr.IPv6.parse(bare);
    return address.isIPv4MappedAddress() ? address.toIPv4Address().toString() : address.toRFC5952String();
  }
  throw invalid('invalid-host-ip', `invalid IP address: ${text}`);
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

export function parsePortBindings(portBindings: ApiPortBindings, exposedPorts: ApiExposedPorts, publishAll: boolean): PortRequest[] {
  const requests: PortRequest[] = [];
  const bound = new Set<string>();
  for (const [key, bindings] of Object.entries(portBindings ?? {})) {
    const { port, protocol } = parseContainerPort(key);
    for (const binding of bindings ?? []) {
      requests.push({ containerPort: port, protocol, hostIp: parseHostIp(binding.HostIp), hostPort: parseHostPort(binding.HostPort) });
      bound.add(`${port}/${protocol}`);
    }
  }
  if (publishAll) {
    for (const key of Object.keys(exposedPorts ?? {})) {
      const { port, protocol } = parseContainerPort(key);
      if (bound.has(`${port}/${protocol}`)) continue;
      bound.add(`${port}/${protocol}`);
      requests.push({ containerPort: port, protocol, hostIp: '0.0.0.0', hostPort: null });
    }
  }
  return requests.sort(dockerOrder);
}
