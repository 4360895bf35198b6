/**
 * Names of everything in our table. They are part of the contract with later changes (published
 * ports add chains next to these, the daemon's reconcile lists them), so they must stay stable.
 */

/** Address family of our table: one table serves IPv4 and IPv6. */
export const FAMILY = 'inet';

/** Base chains, named hook-first as `<type>-<hook>`. */
export const CHAIN_FORWARD = 'filter-forward';
export const CHAIN_POSTROUTING = 'nat-postrouting';
export const CHAIN_PREROUTING = 'nat-prerouting';
export const CHAIN_OUTPUT = 'nat-output';
export const CHAIN_INPUT = 'filter-input';

/** Regular chain both DNAT hooks jump to for packets addressed to the host itself. */
export const CHAIN_PUBLISHED = 'published-ports';

/**
 * Published ports: one concatenated-key map per family and kind of host address, so a port is
 * one element and the lookup is one hash probe however many ports exist.
 *   ports4-address  ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service
 *   ports4-any      inet_proto . inet_service : ipv4_addr . inet_service   (hostIp 0.0.0.0)
 *   ports6-address / ports6-any the same with IPv6 addresses.
 */
export const MAP_PORTS4_ADDRESS = 'ports4-address';
export const MAP_PORTS4_ANY = 'ports4-any';
export const MAP_PORTS6_ADDRESS = 'ports6-address';
export const MAP_PORTS6_ANY = 'ports6-any';

/** Set of every managed bridge: the isolation test "is the output another of our bridges?". */
export const SET_BRIDGES = 'bridges';
/** bridge . subnet: a DNAT-ed flow leaving a bridge from its own subnet is hairpin traffic. */
export const SET_HAIRPIN4 = 'hairpin4';
export const SET_HAIRPIN6 = 'hairpin6';

/** Verdict maps keyed by interface name that dispatch to per-network chains. */
export const MAP_FORWARD_FROM_BRIDGE = 'forward-from-bridge';
export const MAP_FORWARD_TO_BRIDGE = 'forward-to-bridge';
export const MAP_POSTROUTING_FROM_BRIDGE = 'postrouting-from-bridge';

export interface NetworkChainNames {
  /** Forwarded packets whose input interface is the network's bridge. */
  from: string;
  /** Forwarded packets whose output interface is the bridge (and input is not a managed bridge). */
  to: string;
  /** Source NAT for packets coming from the bridge. */
  masquerade: string;
}

export function networkChains(networkId: string): NetworkChainNames {
  const prefix = `net-${networkId.slice(0, 12)}`;
  return { from: `${prefix}-from`, to: `${prefix}-to`, masquerade: `${prefix}-masq` };
}

/**
 * An interface name as an nft string literal. Callers pass names checked by assertBridgeName,
 * so the quotes can't be closed from inside; quoting is still required because names like
 * "1234" or "drop" would otherwise parse as a number or a keyword.
 */
export function quoteIfname(name: string): string {
  return `"${name}"`;
}

/** Raw-priority prerouting chain: drops 127.0.0.0/8 and ::1 arriving on any interface but lo. */
export const CHAIN_RAW_PREROUTING = 'raw-prerouting';

/** The users' table (Docker's DOCKER-USER): `<table>-user`, created empty, never rewritten. */
export function userTableName(table: string): string {
  return `${table}-user`;
}

/** Its one base chain, at filter priority -10: before our forward chain, so its drop is final. */
export const USER_CHAIN_FORWARD = 'forward';
