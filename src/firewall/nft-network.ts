/**
 * One network's share of our table: three small chains and one element per dispatch map/set.
 * The same rule lists feed the full rebuild (nft-ruleset.ts) and the per-network transactions
 * below, so a network added at run time is byte-for-byte what a rebuild would produce.
 *
 * Per-network chains (reached by `goto` from a verdict map, so each ends the table's verdict):
 *   from  iifname == bridge: own bridge -> accept (icc) / drop (no icc); another managed bridge ->
 *         drop (isolation, moby's DOCKER-ISOLATION-STAGE-1/2); anything else -> accept
 *         (internal: drop).
 *   to    oifname == bridge, input is not a managed bridge (those ended in their `from` chain):
 *         replies accepted, everything else dropped. Like moby 28 ("UNPUBLISHED PORT DROP"), an
 *         unsolicited packet from outside must not reach a container even if the outside has a
 *         route to the subnet; flows DNAT-ed to a published port are accepted before the drop.
 *   masq  packets from the bridge with a source in the subnets leaving through any other interface
 *         are masqueraded (moby's POSTROUTING `-s subnet ! -o bridge -j MASQUERADE`).
 *         gateway_mode_ipv4=routed (routed4) accepts every IPv4 packet here and adds no IPv4
 *         masquerade: the subnet is routed, as Docker's routed mode, and reachable by any host
 *         with a route to it (restrict it in the users' table, nft-guards.ts).
 *   peers a routed overlay's slices on other hosts (peerSubnets4) may open flows into the bridge
 *         and are reached without masquerade.
 */
import type { FirewallNetwork } from './intent.js';
import {
  FAMILY, MAP_FORWARD_FROM_BRIDGE, MAP_FORWARD_TO_BRIDGE, MAP_POSTROUTING_FROM_BRIDGE, SET_BRIDGES, SET_HAIRPIN4, SET_HAIRPIN6,
  networkChains, quoteIfname, type NetworkChainNames,
} from './names.js';
import { assertBridgeName, assertNetworkId, assertTableName, normalizeSubnet4, normalizeSubnet6, validateNetwork } from './validate.js';

export interface NetworkRules {
  chains: NetworkChainNames;
  from: string[];
  to: string[];
  /** null when the network has no masquerade chain (masquerade off, internal, or no subnets). */
  masquerade: string[] | null;
}

/** Elements one network owns, keyed by the set or map that holds them. */
export type NetworkElements = Array<{ container: string; key: string; value?: string }>;

function addressMatch(keyword: 'ip' | 'ip6', subnets: string[]): string {
  const value = subnets.length === 1 ? subnets[0] : `{ ${subnets.join(', ')} }`;
  return `${keyword} saddr ${value}`;
}

/** Rules of one validated network's chains. */
export function networkRules(network: FirewallNetwork): NetworkRules {
  const bridge = quoteIfname(network.bridge);
  const intraBridge = `oifname ${bridge} ${network.icc ? 'accept' : 'drop'}`;
  const from = network.internal
    ? [intraBridge, 'drop']
    : [intraBridge, `oifname @${SET_BRIDGES} drop`, 'accept'];
  // DNAT-ed flows are published ports (nft-ports.ts); internal networks never get any.
  const peers = network.internal ? [] : network.peerSubnets4 ?? [];
  const peerMatch = peers.length === 1 ? peers[0] : `{ ${peers.join(', ')} }`;
  const routed = network.routed4 === true && !network.internal;
  const to = network.internal
    ? ['drop']
    : [
      'ct state established,related accept', 'ct status dnat accept',
      ...(peers.length > 0 ? [`ip saddr ${peerMatch} accept`] : []),
      ...(routed ? ['meta nfproto ipv4 accept'] : []),
      'drop',
    ];
  const masquerade: string[] = [];
  if (network.masquerade && !network.internal) {
    if (peers.length > 0 && network.subnets4.length > 0) masquerade.push(`ip daddr ${peerMatch} accept`);
    if (network.subnets4.length > 0 && !routed) masquerade.push(`oifname != ${bridge} ${addressMatch('ip', network.subnets4)} masquerade`);
    if (network.subnets6.length > 0 && network.masquerade6 !== false) masquerade.push(`oifname != ${bridge} ${addressMatch('ip6', network.subnets6)} masquerade`);
  }
  return { chains: networkChains(network.id), from, to, masquerade: masquerade.length > 0 ? masquerade : null };
}

/** Set and map elements of one network; the masquerade element exists only with its chain. */
/** What names a network's objects: id and bridge, and its subnets for the hairpin sets. */
export type NetworkIdentity = Pick<FirewallNetwork, 'id' | 'bridge'> & Partial<Pick<FirewallNetwork, 'subnets4' | 'subnets6'>>;

export function networkElements(network: NetworkIdentity, withMasquerade: boolean): NetworkElements {
  const chains = networkChains(network.id);
  const key = quoteIfname(network.bridge);
  const elements: NetworkElements = [
    { container: SET_BRIDGES, key },
    { container: MAP_FORWARD_FROM_BRIDGE, key, value: `goto ${chains.from}` },
    { container: MAP_FORWARD_TO_BRIDGE, key, value: `goto ${chains.to}` },
    ...(network.subnets4 ?? []).map((subnet) => ({ container: SET_HAIRPIN4, key: `${key} . ${subnet}` })),
    ...(network.subnets6 ?? []).map((subnet) => ({ container: SET_HAIRPIN6, key: `${key} . ${subnet}` })),
  ];
  if (withMasquerade) elements.push({ container: MAP_POSTROUTING_FROM_BRIDGE, key, value: `goto ${chains.masquerade}` });
  return elements;
}

function elementText(element: NetworkElements[number]): string {
  return element.value === undefined ? element.key : `${element.key} : ${element.value}`;
}

/**
 * One transaction that installs a network. Re-running it is harmless: chains are flushed before
 * their rules are added and re-adding an identical element is a no-op. Expects the table from
 * buildRuleset to exist.
 */
export function addNetworkScript(table: string, network: FirewallNetwork): string {
  const where = `${FAMILY} ${assertTableName(table)}`;
  const checked = validateNetwork(network);
  const rules = networkRules(checked);
  const lines: string[] = [];
  const chainRules: Array<[string, string[] | null]> = [
    [rules.chains.from, rules.from],
    [rules.chains.to, rules.to],
    [rules.chains.masquerade, rules.masquerade],
  ];
  for (const [chain, body] of chainRules) {
    if (body === null) continue;
    lines.push(`add chain ${where} ${chain}`, `flush chain ${where} ${chain}`);
    for (const rule of body) lines.push(`add rule ${where} ${chain} ${rule}`);
  }
  // Elements last: a verdict map may only point at chains that already exist.
  for (const element of networkElements(checked, rules.masquerade !== null)) {
    lines.push(`add element ${where} ${element.container} { ${elementText(element)} }`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * One transaction that removes everything a network owns, idempotently: each object is first
 * added (a no-op if present) and then deleted, so a network that is already gone, or never had a
 * masquerade chain, is not an error. Needs only the id and bridge name.
 */
export function removeNetworkScript(table: string, network: NetworkIdentity): string {
  const where = `${FAMILY} ${assertTableName(table)}`;
  const checked = {
    id: assertNetworkId(network.id),
    bridge: assertBridgeName(network.bridge),
    subnets4: (network.subnets4 ?? []).map(normalizeSubnet4),
    subnets6: (network.subnets6 ?? []).map(normalizeSubnet6),
  };
  const chains = networkChains(checked.id);
  const allChains = [chains.from, chains.to, chains.masquerade];
  const elements = networkElements(checked, true);
  const lines: string[] = [];
  for (const chain of allChains) lines.push(`add chain ${where} ${chain}`);
  for (const element of elements) lines.push(`add element ${where} ${element.container} { ${elementText(element)} }`);
  // Map elements go before the chains they point to, or the kernel refuses the chain delete.
  for (const element of elements) lines.push(`delete element ${where} ${element.container} { ${element.key} }`);
  for (const chain of allChains) lines.push(`flush chain ${where} ${chain}`, `delete chain ${where} ${chain}`);
  return `${lines.join('\n')}\n`;
}
