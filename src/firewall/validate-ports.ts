/**
 * Checks a PortMapping before any of it reaches an nft script. Addresses are re-rendered from
 * their parsed form (never interpolated as given) and the protocol is matched against a fixed
 * list, so a mapping can't carry nft syntax.
 */
import ipaddr from 'ipaddr.js';
import { invalid } from '../errors/index.js';
import type { PortMapping, PortProtocol } from './intent.js';
import { assertBridgeName, assertNetworkId } from './validate.js';

const PROTOCOLS: readonly PortProtocol[] = ['tcp', 'udp', 'sctp'];
const DOTTED_QUAD = /^\d{1,3}(?:\.\d{1,3}){3}$/;

function badMapping(why: string): Error {
  return invalid('firewall-invalid-port', `invalid port mapping: ${why}`);
}

/** Canonical IPv4 text, or an error naming the field. */
function address4(value: string, field: string): string {
  if (!DOTTED_QUAD.test(value) || !ipaddr.IPv4.isValidFourPartDecimal(value)) {
    throw badMapping(`${field} ${JSON.stringify(value)} is not an IPv4 address`);
  }
  return ipaddr.IPv4.parse(value).toString();
}

/** Canonical (RFC 5952) IPv6 text; IPv4-mapped addresses and zones are refused. */
function address6(value: string, field: string): string {
  if (!value.includes(':') || value.includes('%') || !ipaddr.IPv6.isValid(value)) {
    throw badMapping(`${field} ${JSON.stringify(value)} is not an IPv6 address`);
  }
  const parsed = ipaddr.IPv6.parse(value);
  if (parsed.isIPv4MappedAddress()) throw badMapping(`${field} ${JSON.stringify(value)} is IPv4-mapped; use the IPv4 form`);
  return parsed.toRFC5952String();
}

function port(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw badMapping(`${field} ${JSON.stringify(value)} is outside 1-65535`);
  }
  return value;
}

/** A checked, canonical copy. Whether the host address is local is the engine's question. */
export function validatePortMapping(mapping: PortMapping): PortMapping {
  if (!PROTOCOLS.includes(mapping.protocol)) throw badMapping(`unknown protocol ${JSON.stringify(mapping.protocol)}`);
  const hostIp = mapping.hostIp.includes(':') ? address6(mapping.hostIp, 'host IP') : address4(mapping.hostIp, 'host IP');
  const checked: PortMapping = {
    networkId: assertNetworkId(mapping.networkId),
    bridge: assertBridgeName(mapping.bridge),
    containerAddress: address4(mapping.containerAddress, 'container address'),
    protocol: mapping.protocol,
    hostIp,
    hostPort: port(mapping.hostPort, 'host port'),
    containerPort: port(mapping.containerPort, 'container port'),
  };
  if (mapping.containerAddress6 !== undefined) {
    checked.containerAddress6 = address6(mapping.containerAddress6, 'container IPv6 address');
  } else if (hostIp.includes(':')) {
    // Nothing to DNAT an IPv6 packet to: the engine decides whether to skip such a binding.
    throw badMapping(`host IP ${hostIp} is IPv6 but the container has no IPv6 address`);
  }
  return checked;
}
