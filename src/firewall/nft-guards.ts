/**
 * Design note: two guards beside the per-network chains.
 *
 * - Loopback from the wire (Docker 28's raw-table drop, after L2 neighbours reached ports
 *   published on 127.0.0.1): `nat-prerouting` DNATs any local destination, 127.0.0.1 included,
 *   before routing, so a neighbour that puts 127.0.0.1 in a packet sent to the host's MAC is
 *   DNATed to the container and never meets the kernel's martian check. The `raw-prerouting`
 *   chain (priority raw, -300: before conntrack and DNAT) drops every packet for 127.0.0.0/8 or
 *   ::1 that did not come in on `lo`. Legitimate local traffic to 127/8 always enters on `lo`;
 *   the host's own DNATed 127.0.0.1 flows reach a bridge masqueraded to the gateway (nft-ports.ts),
 *   so their replies carry the gateway's address, not 127.0.0.1. One rule per family for all
 *   ports (Docker writes one per published port): the kernel would drop these packets as martians
 *   anyway if our DNAT weren't there.
 * - The users' table (Docker's DOCKER-USER): `inet <table>-user` with one base chain `forward`
 *   at filter priority -10, so it sees forwarded traffic, DNATed flows to published ports
 *   included (`ct original proto-dst` is the published port), before our `filter-forward`. A drop
 *   there is final in nftables; an accept only ends that table's say. conet creates it when the
 *   table is missing and never writes into it afterwards (not at restart, not when healing), so
 *   rules added there stay.
 */
import { CHAIN_RAW_PREROUTING, FAMILY, USER_CHAIN_FORWARD, userTableName } from './names.js';
import { assertTableName } from './validate.js';

export const RAW_PREROUTING_HOOK = 'type filter hook prerouting priority raw; policy accept;';

export const RAW_PREROUTING_RULES: readonly string[] = [
  'iifname != "lo" ip daddr 127.0.0.0/8 drop',
  'iifname != "lo" ip6 daddr ::1 drop',
];

export const RAW_PREROUTING_CHAIN: [string, string, readonly string[]] = [CHAIN_RAW_PREROUTING, RAW_PREROUTING_HOOK, RAW_PREROUTING_RULES];

export const USER_FORWARD_HOOK = 'type filter hook forward priority filter - 10; policy accept;';

/** Creates the empty users' table; to be applied only when it is missing (see the note). */
export function userTableScript(table: string): string {
  const name = userTableName(assertTableName(table));
  return [
    `table ${FAMILY} ${name} {`,
    `\tchain ${USER_CHAIN_FORWARD} {`,
    `\t\t${USER_FORWARD_HOOK}`,
    '\t}',
    '}',
    '',
  ].join('\n');
}
