/**
 * What the firewall must enforce, in network terms. The engine fills these from its state; the
 * builder (nft-ruleset.ts, nft-network.ts) turns them into nft scripts. No kernel knowledge here.
 */

export interface FirewallNetwork {
  /** Network id (64 hex characters); its first 12 name the network's chains. */
  id: string;
  /** Bridge interface name, e.g. "conet0" or "br-0123456789ab" (may come from user options). */
  bridge: string;
  /** IPv4 CIDRs in canonical form (host bits zero). */
  subnets4: string[];
  /** IPv6 CIDRs (host bits zero). */
  subnets6: string[];
  /** com.docker.network.bridge.enable_ip_masquerade */
  masquerade: boolean;
  /** com.docker.network.bridge.enable_icc: traffic between containers of this bridge. */
  icc: boolean;
  /** --internal: no traffic in or out of the bridge, only within it. */
  internal: boolean;
}

export interface FirewallState {
  /** Name of the `inet` table we own (default "conet"). */
  table: string;
  networks: FirewallNetwork[];
}

export const DEFAULT_TABLE = 'conet';
