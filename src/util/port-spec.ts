/**
 * Docker's port grammar: "80/tcp" container ports, "8000" / "8000-8005" host ports, host
 * addresses. Shared by the API's decoders (request input) and the engine (image EXPOSE entries,
 * records stored by older versions). Messages follow the daemon's (`invalid port specification:
 * "x"`) and go-connections' (`invalid IP address: x`, `invalid proto: x`).
 */
import ipaddr from 'ipaddr.js';
import { invalid } from '../errors/index.js';

// The shapes of model/port.ts, spelled out: util/ may import only errors/.
type PortProtocol = 'tcp' | 'udp' | 'sctp';
interface PortRange {
  start: number;
  end: number;
}
interface ContainerPort {
  port: number;
  protocol: PortProtocol;
}

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
export function parseContainerPort(key: string): ContainerPort {
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

/** A host port range as Docker writes HostPort: "" for any, "8000", "8000-8005". */
export function hostPortText(range: PortRange | null): string {
  if (range === null) return '';
  return range.start === range.end ? String(range.start) : `${range.start}-${range.end}`;
}
