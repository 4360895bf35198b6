/**
 * DNS rebinding guard: an allowed name answered with an address that points back at the host or
 * at nothing routable (loopback, link-local, unspecified, multicast, broadcast, or one of the
 * host's own addresses) is never added to a policy's set. IPv4-mapped IPv6 addresses are judged
 * as the IPv4 address they carry.
 */
import ipaddr from 'ipaddr.js';

const REFUSED_RANGES = new Set(['loopback', 'linkLocal', 'unspecified', 'multicast', 'broadcast']);

/** `address` is canonical text (fqdn-answer.ts); `hostAddresses` are canonical too. */
export function isRebinding(address: string, hostAddresses: ReadonlySet<string>): boolean {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    // Not an address at all: never added.
    return true;
  }
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return REFUSED_RANGES.has(parsed.range()) || hostAddresses.has(parsed.toString()) || hostAddresses.has(address);
}
