/**
 * What the firewall must enforce, in network terms. The engine fills these from its state; the
 * builder (nft-ruleset.ts, nft-network.ts) turns them into nft scripts. No kernel knowledge here.
 */
import type { PortProtocol } from '../model/port.js';

export type { PortProtocol };

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
  /** IPv6 subnets masqueraded too (daemon `ip6-masq`); absent = as `masquerade`. */
  masquerade6?: boolean;
  /** com.docker.network.bridge.enable_icc: traffic between containers of this bridge. */
  icc: boolean;
  /** --internal: no traffic in or out of the bridge, only within it. */
  internal: boolean;
  /**
   * com.docker.network.bridge.gateway_mode_ipv4=routed: the IPv4 subnets are routed, not NATed.
   * No IPv4 masquerade, and hosts with a route to the subnet may open flows to containers.
   * Absent or false ("nat", the default): only published ports and replies get in.
   */
  routed4?: boolean;
  /**
   * Routed overlay (host-gw): the network's other IPv4 slices, on other hosts. Packets from them
   * may enter the bridge, and packets to them leave without masquerade (containers see each
   * other's real addresses across hosts).
   */
  peerSubnets4?: string[];
}


/**
 * One published port: packets to hostIp:hostPort/protocol are DNAT-ed to the container. The
 * engine makes one per (container port, host binding) after allocation (src/ports/).
 */
export interface PortMapping {
  /** Network whose bridge carries the container end; must be in the state and not internal. */
  networkId: string;
  bridge: string;
  /** The container's IPv4 address on that network. */
  containerAddress: string;
  /** The container's IPv6 address, when the network has one; needed for '::' or a v6 hostIp. */
  containerAddress6?: string;
  protocol: PortProtocol;
  /** '0.0.0.0' (every local IPv4 address, and IPv6 too when containerAddress6 is set), '::'
   * (every local IPv6 address) or one host address. */
  hostIp: string;
  hostPort: number;
  containerPort: number;
}

export interface FirewallState {
  /** Name of the `inet` table we own (default "conet"). */
  table: string;
  networks: FirewallNetwork[];
  /** Published ports; absent means none. */
  ports?: PortMapping[];
}

export const DEFAULT_TABLE = 'conet';
