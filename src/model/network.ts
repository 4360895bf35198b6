/** Plain domain types for networks. Imports nothing. */

export interface IpamPoolConfig {
  /** CIDR of the subnet, e.g. "172.18.0.0/16". */
  subnet: string;
  /** Optional sub-range of the subnet addresses are handed out from. */
  ipRange?: string;
  /** Gateway address without prefix length. */
  gateway?: string;
  /** Addresses reserved by name and never handed out. */
  auxAddresses?: Record<string, string>;
  /** true when the subnet was picked from the default pools (then `--ip` is refused, as Docker). */
  autoSubnet?: boolean;
  /** true when the gateway was chosen by IPAM rather than given. */
  autoGateway?: boolean;
}

export interface Ipam {
  driver: string;
  /** null for the predefined networks, {} for user-created ones (as Docker shows them). */
  options: Record<string, string> | null;
  configs: IpamPoolConfig[];
}

/**
 * One entry of a create request's IPAM configs (`--subnet`, `--ip-range`, `--gateway`,
 * `--aux-address`), typed but not yet validated: IPAM parses and checks the addresses.
 */
export interface IpamConfigRequest {
  subnet?: string;
  ipRange?: string;
  gateway?: string;
  /** Addresses reserved by name (`--aux-address NAME=IP`). */
  auxAddresses?: Record<string, string>;
}

/** The IPAM part of a create-network request. */
export interface IpamRequest {
  /** "default" (the only IPAM driver conet has) unless the client named another. */
  driver: string;
  /** `--ipam-opt`, stored as given. */
  options: Record<string, string>;
  configs: IpamConfigRequest[];
}

export type Scope = 'local' | 'swarm' | 'global';

export interface Network {
  id: string;
  name: string;
  driver: string;
  scope: Scope;
  /** RFC 3339 timestamp with nanoseconds, as Docker prints it. */
  created: string;
  enableIPv6: boolean;
  /** false for an IPv6-only network (`--ipv4=false`, API 1.48); absent (older records) means true. */
  enableIPv4?: boolean;
  internal: boolean;
  attachable: boolean;
  ingress: boolean;
  configOnly: boolean;
  configFrom: string;
  ipam: Ipam;
  options: Record<string, string>;
  labels: Record<string, string>;
  /** true for bridge/host/none, which exist from first start and can't be removed. */
  predefined: boolean;
}

/** A container's attachment to a network. */
export interface Endpoint {
  id: string;
  networkId: string;
  containerId: string;
  /** Container name without the leading slash. */
  name: string;
  macAddress: string;
  /** With prefix length, as Docker shows it: "172.18.0.2/16"; "" when none. */
  ipv4Address: string;
  ipv6Address: string;
  gateway4: string;
  gateway6: string;
  /** Network namespace (sandbox) the interface lives in, by name under /run/netns. */
  sandbox: string;
  /** Interface name inside the sandbox, e.g. "eth0". */
  ifname: string;
  /** Host-side interface, e.g. the veth on the bridge; "" for drivers without one. */
  hostIfname: string;
  aliases: string[];
  /** `--gw-priority` (API 1.48): the container's default route goes via its endpoint with the highest. */
  gwPriority?: number;
  /** Addresses the user asked for (--ip/--ip6), kept for inspect's IPAMConfig. */
  requestedIpv4: string;
  requestedIpv6: string;
  /** Set on endpoints of global (overlay) networks that live on another node: that node's id. */
  remoteNode?: string;
  /** The container's hostname, carried for remote endpoints (whose containers this node doesn't know). */
  hostname?: string;
}

export const PREDEFINED_NETWORK_NAMES = ['bridge', 'host', 'none'] as const;
