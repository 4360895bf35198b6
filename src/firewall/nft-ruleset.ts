/**
 * Design note: the whole firewall is one `inet` table we own (default `inet conet`), built from
 * intent by pure functions and applied with `nft -f -` as one transaction.
 *
 * - Start-up: buildRuleset() emits `add table` + `delete table` + `table { ... }`. In one
 *   transaction that replaces whatever an earlier run left with exactly the state's ruleset,
 *   and works whether or not the table existed. Other tables (distro firewall, Docker, kube) are
 *   never touched; we never `flush ruleset`.
 * - Afterwards: addNetworkScript / removeNetworkScript (nft-network.ts) change one network in one
 *   small transaction, without rewriting the rest of the table.
 * - Per-packet cost is flat in the number of networks: the base chains hold a fixed number of
 *   rules that look the interface up in verdict maps (hash lookups) and `goto` the network's own
 *   chain of at most three rules; isolation between bridges is one lookup in the `bridges` set.
 *   Rules grow linearly with networks and no rule is per pair of networks.
 * - Base chains keep policy accept: our `accept` only ends our table's say, so a host firewall in
 *   another table still decides; our `drop` is final. Packets that touch no managed bridge miss
 *   every map and leave the table after two lookups.
 * - Intra-bridge traffic (icc) only reaches the forward hook when br_netfilter is active in the
 *   namespace (net.bridge.bridge-nf-call-iptables / -ip6tables = 1). So icc=false is enforced
 *   twice: the bridge driver makes every port of such a bridge an isolated bridge port (the
 *   bridge itself never forwards between isolated ports; see sandboxes.ts), which holds with
 *   br_netfilter off, and the `oifname <own bridge> drop` rule here covers routed hairpin flows
 *   when it is on. Routed traffic (other bridges, the outside) always passes the forward hook.
 * - Published ports (nft-ports.ts, which has their own note) add four maps, `nat-prerouting`,
 *   `nat-output`, `filter-input`, the `published-ports` chain and two rules at the top of
 *   `nat-postrouting`; the table has them even with no port, so publishing is only elements.
 * - Guards (nft-guards.ts): `raw-prerouting` drops loopback destinations from the wire; the
 *   users' table `inet <table>-user` is created beside ours, never by this replace.
 */
import { invalid } from '../errors/index.js';
import type { FirewallNetwork, FirewallState, PortMapping } from './intent.js';
import {
  CHAIN_FORWARD, CHAIN_POSTROUTING, CHAIN_PUBLISHED, FAMILY, MAP_FORWARD_FROM_BRIDGE, MAP_FORWARD_TO_BRIDGE,
  MAP_POSTROUTING_FROM_BRIDGE, SET_BRIDGES, SET_HAIRPIN4, SET_HAIRPIN6,
} from './names.js';
import { RAW_PREROUTING_CHAIN } from './nft-guards.js';
import { networkElements, networkRules, type NetworkRules } from './nft-network.js';
import {
  PORT_BASE_CHAINS, PORT_MAPS, PORT_POSTROUTING_RULES, PUBLISHED_RULES, portsElements,
} from './nft-ports.js';
import { assertTableName, validateState } from './validate.js';

interface Container {
  kind: 'set' | 'map';
  name: string;
  type: string;
  flags?: string;
  elements: string[];
}

function containerBlock(container: Container): string[] {
  const lines = [`\t${container.kind} ${container.name} {`, `\t\ttype ${container.type}`];
  if (container.flags) lines.push(`\t\tflags ${container.flags}`);
  if (container.elements.length > 0) {
    // One element per line keeps diffs readable and the line count linear in networks.
    lines.push('\t\telements = {', ...container.elements.map((element) => `\t\t\t${element},`), '\t\t}');
  }
  lines.push('\t}');
  return lines;
}

function chainBlock(name: string, rules: string[], hook?: string): string[] {
  return [`\tchain ${name} {`, ...(hook === undefined ? [] : [`\t\t${hook}`]), ...rules.map((rule) => `\t\t${rule}`), '\t}'];
}

/** Ports must name a network of the state by id and bridge, and never an internal one. */
function checkPortNetworks(networks: readonly FirewallNetwork[], ports: readonly PortMapping[]): void {
  const byId = new Map(networks.map((network) => [network.id, network]));
  for (const port of ports) {
    const network = byId.get(port.networkId);
    const where = `${port.hostIp}:${port.hostPort}/${port.protocol}`;
    if (network === undefined || network.bridge !== port.bridge) {
      throw invalid('firewall-port-unknown-network', `published port ${where} refers to network ${JSON.stringify(port.networkId.slice(0, 12))} on bridge ${JSON.stringify(port.bridge)}, which the state does not have`);
    }
    if (network.internal) {
      throw invalid('firewall-port-internal-network', `published port ${where} is on internal network ${JSON.stringify(port.networkId.slice(0, 12))}, which publishes nothing`);
    }
  }
}

/** The full ruleset for a daemon start: one atomic replace of our table. */
export function buildRuleset(state: FirewallState): string {
  const { table, networks } = validateState(state);
  const ports = state.ports ?? [];
  const portElements = portsElements(ports);
  checkPortNetworks(networks, ports);
  const containers: Container[] = [
    { kind: 'set', name: SET_BRIDGES, type: 'ifname', elements: [] },
    { kind: 'set', name: SET_HAIRPIN4, type: 'ifname . ipv4_addr', flags: 'interval', elements: [] },
    { kind: 'set', name: SET_HAIRPIN6, type: 'ifname . ipv6_addr', flags: 'interval', elements: [] },
    { kind: 'map', name: MAP_FORWARD_FROM_BRIDGE, type: 'ifname : verdict', elements: [] },
    { kind: 'map', name: MAP_FORWARD_TO_BRIDGE, type: 'ifname : verdict', elements: [] },
    { kind: 'map', name: MAP_POSTROUTING_FROM_BRIDGE, type: 'ifname : verdict', elements: [] },
    ...PORT_MAPS.map((map): Container => ({ kind: 'map', name: map.name, type: map.type, elements: [] })),
  ];
  const byName = new Map(containers.map((container) => [container.name, container]));
  const perNetwork: NetworkRules[] = [];
  for (const network of networks) {
    const rules = networkRules(network);
    perNetwork.push(rules);
    for (const element of networkElements(network, rules.masquerade !== null)) {
      const text = element.value === undefined ? element.key : `${element.key} : ${element.value}`;
      byName.get(element.container)?.elements.push(text);
    }
  }
  for (const element of portElements) byName.get(element.map)?.elements.push(`${element.key} : ${element.value}`);

  const blocks: string[][] = containers.map(containerBlock);
  blocks.push(chainBlock(CHAIN_FORWARD, [
    `iifname vmap @${MAP_FORWARD_FROM_BRIDGE}`,
    `oifname vmap @${MAP_FORWARD_TO_BRIDGE}`,
  ], 'type filter hook forward priority filter; policy accept;'));
  blocks.push(chainBlock(CHAIN_POSTROUTING, [
    ...PORT_POSTROUTING_RULES,
    `iifname vmap @${MAP_POSTROUTING_FROM_BRIDGE}`,
  ], 'type nat hook postrouting priority srcnat; policy accept;'));
  for (const [name, hook, rules] of PORT_BASE_CHAINS) blocks.push(chainBlock(name, rules, hook));
  blocks.push(chainBlock(RAW_PREROUTING_CHAIN[0], [...RAW_PREROUTING_CHAIN[2]], RAW_PREROUTING_CHAIN[1]));
  blocks.push(chainBlock(CHAIN_PUBLISHED, [...PUBLISHED_RULES]));
  for (const rules of perNetwork) {
    blocks.push(chainBlock(rules.chains.from, rules.from));
    blocks.push(chainBlock(rules.chains.to, rules.to));
    if (rules.masquerade !== null) blocks.push(chainBlock(rules.chains.masquerade, rules.masquerade));
  }

  const where = `${FAMILY} ${table}`;
  return [
    `add table ${where}`,
    `delete table ${where}`,
    `table ${where} {`,
    blocks.map((block) => block.join('\n')).join('\n\n'),
    '}',
    '',
  ].join('\n');
}

/** Removes our table and everything in it; idempotent (creating then deleting is a no-op). */
export function deleteTableScript(table: string): string {
  const where = `${FAMILY} ${assertTableName(table)}`;
  return `add table ${where}\ndelete table ${where}\n`;
}
