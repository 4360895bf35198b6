/**
 * Design note: published ports in the kernel, no userland proxy (Docker's userland-proxy=false).
 *
 * - One concatenated-key map per family and kind of host address (names.ts): a published port is
 *   one element `[host address .] protocol . host port : container address . container port`.
 *   Publishing or unpublishing is `add element` / `delete element` in one small transaction
 *   whose size does not depend on how many ports exist (kube-proxy's nftables mode does the same
 *   for services); the per-packet cost is one hash lookup per map. No rule is per port.
 * - DNAT: `nat-prerouting` (packets from outside and from containers) and `nat-output` (the
 *   host's own packets, 127.0.0.1 included) jump to `published-ports` for packets addressed to
 *   the host itself (`fib daddr type local`, Docker's ADDRTYPE dst-type LOCAL). The specific-address
 *   map is looked up first; the allocator never lets a wildcard and a specific binding share a port.
 * - Forward: each network's `to` chain accepts `ct status dnat` flows before its drop, so only
 *   packets our DNAT (or another table's) rewrote reach an unsolicited container port.
 * - Hairpin (a container to its own or a neighbour's published port via a host address): after
 *   DNAT the flow leaves through the bridge it came in on, and the reply would go straight back
 *   over the bridge with the wrong source. `ct status dnat iifname @bridges oifname @bridges
 *   masquerade` rewrites the source to the gateway; no br_netfilter needed. Flows between two
 *   different bridges never get there: the isolation drop in the forward hook comes first.
 * - Localhost: a DNAT-ed 127.0.0.1 packet may only leave through the bridge when the bridge has
 *   route_localnet=1 (also needed for the de-NAT-ed reply); it is masqueraded to the gateway, since
 *   a container can't answer 127.0.0.1. route_localnet would also let a container send packets to
 *   the host's 127.0.0.1 services (CVE-2020-8558), so `filter-input` drops new flows from a bridge
 *   to 127.0.0.0/8. IPv6 has no route_localnet: [::1] stays unpublished, as with Docker sans proxy.
 * - Internal networks get no published ports (Docker only programs external connectivity on the
 *   gateway endpoint, which is never internal, so it publishes nothing silently): buildRuleset
 *   refuses them so the engine can't get this wrong unnoticed, and an internal `to` chain has no
 *   DNAT accept, so even a stray element opens no path.
 */
import type { PortMapping } from './intent.js';
import {
  CHAIN_INPUT, CHAIN_OUTPUT, CHAIN_PREROUTING, CHAIN_PUBLISHED, FAMILY, MAP_PORTS4_ADDRESS, MAP_PORTS4_ANY,
  MAP_PORTS6_ADDRESS, MAP_PORTS6_ANY, SET_BRIDGES, SET_HAIRPIN4, SET_HAIRPIN6,
} from './names.js';
import { assertTableName } from './validate.js';
import { validatePortMapping } from './validate-ports.js';
import { invalid } from '../errors/index.js';

export interface PortElement {
  map: string;
  key: string;
  value: string;
}

/** The maps, in the order the DNAT rules consult them, with their nft types. */
export const PORT_MAPS: ReadonlyArray<{ name: string; type: string }> = [
  { name: MAP_PORTS4_ADDRESS, type: 'ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service' },
  { name: MAP_PORTS4_ANY, type: 'inet_proto . inet_service : ipv4_addr . inet_service' },
  { name: MAP_PORTS6_ADDRESS, type: 'ipv6_addr . inet_proto . inet_service : ipv6_addr . inet_service' },
  { name: MAP_PORTS6_ANY, type: 'inet_proto . inet_service : ipv6_addr . inet_service' },
];

/** Rules of `published-ports`: a map miss ends the rule, so unpublished packets pass untouched. */
export const PUBLISHED_RULES: readonly string[] = [
  `dnat ip to ip daddr . meta l4proto . th dport map @${MAP_PORTS4_ADDRESS}`,
  `meta nfproto ipv4 dnat ip to meta l4proto . th dport map @${MAP_PORTS4_ANY}`,
  `dnat ip6 to ip6 daddr . meta l4proto . th dport map @${MAP_PORTS6_ADDRESS}`,
  `meta nfproto ipv6 dnat ip6 to meta l4proto . th dport map @${MAP_PORTS6_ANY}`,
];

/** Base chains for ports: [name, hook line, rules]. nft 1.0.6 knows `dstnat` only for prerouting. */
export const PORT_BASE_CHAINS: ReadonlyArray<[string, string, string[]]> = [
  [CHAIN_PREROUTING, 'type nat hook prerouting priority dstnat; policy accept;', [`fib daddr type local jump ${CHAIN_PUBLISHED}`]],
  [CHAIN_OUTPUT, 'type nat hook output priority -100; policy accept;', [`fib daddr type local jump ${CHAIN_PUBLISHED}`]],
  [CHAIN_INPUT, 'type filter hook input priority filter; policy accept;', [`iifname @${SET_BRIDGES} ip daddr 127.0.0.0/8 ct direction original drop`]],
];

/** Rules that go first in nat-postrouting, before the per-bridge dispatch. */
export const PORT_POSTROUTING_RULES: readonly string[] = [
  // Hairpin: a DNAT-ed flow from a bridge's own subnet back into that bridge. Matched on the
  // source subnet, not the input interface: with br_netfilter such flows are bridged and reach
  // postrouting with no input interface at all.
  `ct status dnat oifname . ip saddr @${SET_HAIRPIN4} masquerade`,
  `ct status dnat oifname . ip6 saddr @${SET_HAIRPIN6} masquerade`,
  `oifname @${SET_BRIDGES} ip saddr 127.0.0.0/8 masquerade`,
];

/** Map elements of one validated mapping: 0.0.0.0 also covers IPv6 when the container has it. */
export function portElements(mapping: PortMapping): PortElement[] {
  const service = `${mapping.protocol} . ${mapping.hostPort}`;
  const value4 = `${mapping.containerAddress} . ${mapping.containerPort}`;
  const value6 = mapping.containerAddress6 === undefined ? undefined : `${mapping.containerAddress6} . ${mapping.containerPort}`;
  if (mapping.hostIp === '0.0.0.0') {
    const elements = [{ map: MAP_PORTS4_ANY, key: service, value: value4 }];
    if (value6 !== undefined) elements.push({ map: MAP_PORTS6_ANY, key: service, value: value6 });
    return elements;
  }
  // validatePortMapping guarantees value6 for IPv6 host addresses.
  if (mapping.hostIp === '::') return [{ map: MAP_PORTS6_ANY, key: service, value: value6! }];
  if (mapping.hostIp.includes(':')) return [{ map: MAP_PORTS6_ADDRESS, key: `${mapping.hostIp} . ${service}`, value: value6! }];
  return [{ map: MAP_PORTS4_ADDRESS, key: `${mapping.hostIp} . ${service}`, value: value4 }];
}

/** Validated elements of many mappings; two mappings may not claim one key. */
export function portsElements(mappings: readonly PortMapping[]): PortElement[] {
  const seen = new Map<string, string>();
  const elements: PortElement[] = [];
  for (const mapping of mappings) {
    for (const element of portElements(validatePortMapping(mapping))) {
      const id = `${element.map} ${element.key}`;
      const previous = seen.get(id);
      if (previous === element.value) continue;
      if (previous !== undefined) {
        throw invalid('firewall-duplicate-port', `host port ${element.key} is mapped to both ${previous} and ${element.value}`);
      }
      seen.set(id, element.value);
      elements.push(element);
    }
  }
  return elements;
}

function byMap(elements: readonly PortElement[]): Map<string, PortElement[]> {
  const grouped = new Map<string, PortElement[]>();
  for (const element of elements) grouped.set(element.map, [...(grouped.get(element.map) ?? []), element]);
  return grouped;
}

const withValue = (element: PortElement): string => `${element.key} : ${element.value}`;

/**
 * Publishes ports in one transaction, one `add element` per touched map. Re-adding an identical
 * element is a no-op; a key already mapped elsewhere makes the kernel refuse the whole transaction
 * ("File exists"), a last guard behind the allocator.
 */
export function addPortsScript(table: string, mappings: readonly PortMapping[]): string {
  const where = `${FAMILY} ${assertTableName(table)}`;
  const lines: string[] = [];
  for (const [map, elements] of byMap(portsElements(mappings))) {
    lines.push(`add element ${where} ${map} { ${elements.map(withValue).join(', ')} }`);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/**
 * Unpublishes ports idempotently: each element is added (a no-op if present) and then deleted,
 * so ports already gone are not an error. A key that now maps to another container makes the
 * add fail: we never delete a port someone else owns.
 */
export function removePortsScript(table: string, mappings: readonly PortMapping[]): string {
  const where = `${FAMILY} ${assertTableName(table)}`;
  const grouped = byMap(portsElements(mappings));
  const lines: string[] = [];
  for (const [map, elements] of grouped) lines.push(`add element ${where} ${map} { ${elements.map(withValue).join(', ')} }`);
  for (const [map, elements] of grouped) lines.push(`delete element ${where} ${map} { ${elements.map((element) => element.key).join(', ')} }`);
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
