/**
 * Small interfaces in kernel nouns. Every method names its target namespace: `netns` is the path
 * of a namespace file, and undefined means the daemon's own ("host") namespace.
 */

import type { PortProtocol } from '../model/port.js';
import type { InterfaceAddress, InterfaceName, IpAddressText, MacAddress, NetnsName } from '../util/kernel-values.js';

export type { InterfaceAddress, InterfaceName, IpAddressText, MacAddress, NetnsName };

export interface NetnsTarget {
  netns?: string;
}

export interface LinkInfo {
  name: string;
  index: number;
  kind: string;
  up: boolean;
  mtu: number;
  mac: string;
  alias: string;
  master: string;
}

export interface AddressInfo {
  link: string;
  family: 'inet' | 'inet6';
  address: string;
  prefixLength: number;
}

export interface RouteInfo {
  /** "default" or a CIDR. */
  destination: string;
  device: string;
  gateway: string;
}

/** Values are typed (util/kernel-values.ts): only their parsers make them, so no raw text gets here. */
export interface BridgeSpec {
  name: InterfaceName;
  /** CIDRs with the gateway as host part, e.g. "172.18.0.1/16". */
  addresses: InterfaceAddress[];
  mtu: number;
  /** IFLA_IFALIAS marker so we can find our own devices after a crash. */
  alias: string;
  /** MAC to set (Docker-style 02:42:..); optional. */
  mac?: MacAddress;
}

export interface LinkPort {
  listLinks(target?: NetnsTarget): Promise<LinkInfo[]>;
  listAddresses(target?: NetnsTarget): Promise<AddressInfo[]>;
  listRoutes(target?: NetnsTarget): Promise<RouteInfo[]>;
  /**
   * Create the bridge if missing, make its addresses, MTU, MAC and alias match, bring it up. A
   * bridge of that name without `spec.alias` is someone else's (moby's "created by user"): it is
   * used as it is (its MTU, MAC, alias and addresses left alone), only the missing addresses are
   * added and it is brought up. `owned` says which case it was.
   */
  ensureBridge(spec: BridgeSpec, target?: NetnsTarget): Promise<{ owned: boolean }>;
  /** Delete a link; a link that is already gone is success. */
  deleteLink(name: string, target?: NetnsTarget): Promise<void>;
  /**
   * Delete a link only if it carries `alias` (conet's ownership marker); a link that is gone is
   * success. Resolves to whether it deleted: a link of that name that isn't ours stays.
   */
  deleteOwnedLink(name: string, alias: string, target?: NetnsTarget): Promise<boolean>;
}

export interface VethSpec {
  /** Host-side name, e.g. "veth" + 7 hex. */
  hostName: InterfaceName;
  /** Bridge the host side is enslaved to. */
  bridge: InterfaceName;
  /** Name of the sandbox namespace (under /run/netns). */
  sandbox: NetnsName;
  /** Create the sandbox namespace in the same batch (saves a process). */
  createSandbox?: boolean;
  /** Interface name inside the sandbox, e.g. "eth0". */
  ifname: InterfaceName;
  mac: MacAddress;
  mtu: number;
  /** CIDRs for the sandbox side, e.g. "172.18.0.2/16". */
  addresses: InterfaceAddress[];
  gateway4?: IpAddressText;
  gateway6?: IpAddressText;
  /**
   * Bridge port isolation (`bridge_slave isolated on`): isolated ports of one bridge never
   * forward to each other, whether or not br_netfilter shows the frames to nftables (icc=false).
   */
  isolated?: boolean;
}

/** Container network namespaces and their veth links. */
export interface SandboxPort {
  path(name: string): string;
  create(name: string, target?: NetnsTarget): Promise<string>;
  /** Removing a sandbox that is already gone is success. */
  remove(name: string): Promise<void>;
  exists(name: string): Promise<boolean>;
  /** Names of all namespaces under /run/netns (shared by every daemon on the machine). */
  list(): Promise<string[]>;
  plugVeth(spec: VethSpec, target?: NetnsTarget): Promise<void>;
  unplugVeth(hostName: string, target?: NetnsTarget): Promise<void>;
  /**
   * The sandbox's default route of one family goes via `via` (replacing the one there), or, with
   * no `via`, the sandbox has none of that family any more.
   */
  setDefaultRoute(sandbox: NetnsName, family: 4 | 6, via?: { gateway: IpAddressText; ifname: InterfaceName }): Promise<void>;
}

export type MacvlanMode = 'bridge' | 'private' | 'vepa' | 'passthru';

export interface MacvlanSpec {
  /** Parent link in the daemon's namespace (or the target's). */
  parent: InterfaceName;
  mode: MacvlanMode;
  /** Name of the sandbox namespace (under /run/netns). */
  sandbox: NetnsName;
  /** Create the sandbox namespace in the same batch (saves a process). */
  createSandbox?: boolean;
  /** Interface name inside the sandbox, e.g. "eth0". */
  ifname: InterfaceName;
  mac: MacAddress;
  /** Unset: the parent's MTU, as the kernel gives a macvlan. */
  mtu?: number;
  /** CIDRs for the interface, e.g. "10.201.0.128/24". */
  addresses: InterfaceAddress[];
  gateway4?: IpAddressText;
  gateway6?: IpAddressText;
}

/** A link a driver creates to serve as a parent: an 802.1q sub-interface or a dummy. */
export type ParentLinkSpec =
  | { kind: 'vlan'; name: InterfaceName; link: InterfaceName; vlanId: number; alias: string }
  | { kind: 'dummy'; name: InterfaceName; alias: string };

/** macvlan interfaces in sandboxes, and the parent links they may need. */
export interface MacvlanPort {
  /** Creates the macvlan directly inside the sandbox and configures it; on failure leaves nothing behind. */
  plugMacvlan(spec: MacvlanSpec, target?: NetnsTarget): Promise<void>;
  /** Deletes an interface inside a sandbox; one already gone (or a sandbox already gone) is success. */
  unplugMacvlan(sandbox: string, ifname: string): Promise<void>;
  /** Creates, marks (alias) and brings up a parent link; on failure leaves nothing behind. */
  createParentLink(spec: ParentLinkSpec, target?: NetnsTarget): Promise<void>;
}

export interface VxlanSpec {
  /** Device name, e.g. "vx-" + 12 hex (at most 15 characters). */
  name: string;
  /** VXLAN network identifier, 1..16777215. */
  vni: number;
  /** Underlay source address (`--cluster-advertise`); packets leave from it. */
  local: string;
  /** UDP destination port (4789 by default). */
  port: number;
  mtu: number;
  /** Bridge the device is enslaved to. */
  master: string;
  /** IFLA_IFALIAS ownership marker, e.g. "conet-ov:<network id>". */
  alias: string;
}

/** A remote endpoint as the VXLAN device must know it: its MAC and address live behind `vtep`. */
export interface VxlanPeer {
  mac: string;
  /** Address without prefix length (IPv4 or IPv6). */
  address: string;
  /** The remote node's underlay address. */
  vtep: string;
}

/** A route to another node's slice of a routed (host-gw) overlay network. */
export interface PeerRoute {
  /** CIDR, e.g. "10.0.3.0/26". */
  destination: string;
  /** The node's underlay address (on-link). */
  via: string;
}

/**
 * The kernel side of overlay networks: VXLAN devices with static forwarding entries (no learning,
 * no multicast, no flooding: ARP/ND answered from the device's neighbour table, flannel's scheme),
 * and plain routes for the routed mode. Entries and routes are made exactly equal to what is asked,
 * in batches, whatever was there before (idempotent, so a restarted daemon just calls it again).
 */
export interface OverlayPort {
  /**
   * Creates the VXLAN device if missing (nolearning, proxy, given local/port/vni/mtu), or checks an
   * existing one matches (vni, port), enslaves it to `master` and brings it up. On failure leaves
   * nothing behind. A device of that name with other settings is replaced.
   */
  ensureVxlan(spec: VxlanSpec, target?: NetnsTarget): Promise<void>;
  /**
   * Makes the device's permanent FDB entries (mac -> vtep) and permanent neighbour entries
   * (address -> mac) exactly `peers`: adds/replaces the missing or changed, deletes the others.
   */
  setPeers(device: string, peers: readonly VxlanPeer[], target?: NetnsTarget): Promise<void>;
  /**
   * Makes the routes conet owns (marked with its own route protocol number) in the main table
   * exactly `routes`; routes of anyone else are never touched.
   */
  setPeerRoutes(routes: readonly PeerRoute[], target?: NetnsTarget): Promise<void>;
  /** The device that holds `address` and its MTU (to derive overlay MTUs); rejects when none does. */
  underlayOf(address: string, target?: NetnsTarget): Promise<{ device: string; mtu: number }>;
}

export interface FirewallPort {
  apply(script: string, target?: NetnsTarget): Promise<void>;
  /**
   * Scripts of one complete command per line (element changes, a network's chains and rules),
   * applied as one transaction; may go through a long-lived nft process (the hot paths:
   * containers' ports, network create and rm).
   */
  applyElements(script: string, target?: NetnsTarget): Promise<void>;
  deleteTable(family: string, name: string, target?: NetnsTarget): Promise<void>;
  tableExists(family: string, name: string, target?: NetnsTarget): Promise<boolean>;
  /** Deletes the connection-tracking entries matching every given field; none matching is success. */
  flushConntrack(filter: ConntrackFilter, target?: NetnsTarget): Promise<void>;
}

/** One element of an address set with a timeout (flags timeout): added, or its timeout reset. */
export interface TimedSetElement {
  set: string;
  address: IpAddressText | string;
  timeoutSeconds: number;
}

/**
 * Timed elements of one table's address sets (FQDN allow-lists): added through a long-lived nft
 * process, concurrent calls batched into one transaction. Elements are never deleted here: they
 * time out in the kernel.
 */
export interface TimedSetPort {
  addTimed(elements: readonly TimedSetElement[]): Promise<void>;
  close(): void;
}

/**
 * Which conntrack entries to delete; every field given must match. Addresses are one family,
 * checked by the adapter; ports are original-direction destination ports (the published port).
 */
export interface ConntrackFilter {
  /** Family of the table to search; default: that of the addresses, else ipv4 (conntrack's). */
  family?: 'ipv4' | 'ipv6';
  /** Original source (a container's own outbound flows). */
  source?: string;
  /** Original destination (flows opened straight to a container's address). */
  destination?: string;
  /** Reply source: flows DNATed to this address (a published port's container). */
  replySource?: string;
  protocol?: 'tcp' | 'udp' | 'sctp';
  /** Original destination port; needs `protocol`. */
  destinationPort?: number;
}

/**
 * Table deletions in one namespace, as `nft monitor` reports them; close() ends the watch.
 * `onDeleted(undefined)` says events may have been missed (the watch restarted): check everything.
 */
export interface FirewallWatchPort {
  watchTableDeletions(onDeleted: (deleted: { family: string; table: string } | undefined) => void, target?: NetnsTarget): FirewallWatch;
}

export interface FirewallWatch {
  close(): void;
}

export interface SysctlPort {
  read(key: string, target?: NetnsTarget): Promise<string>;
  write(key: string, value: string, target?: NetnsTarget): Promise<void>;
}

export interface Kernel {
  links: LinkPort;
  sandboxes: SandboxPort;
  firewall: FirewallPort;
  sysctl: SysctlPort;
}

/** Listening UDP and TCP sockets on one address and port, opened inside some namespace. */
export interface NamespaceSockets {
  udp: import('node:dgram').Socket;
  tcp: import('node:net').Server;
}

/**
 * Sockets opened inside another network namespace and handed to the daemon (the embedded
 * resolver's 127.0.0.11 listeners in a container). They keep that namespace alive while open:
 * the caller must close them when the container goes.
 */
export interface NamespaceSocketPort {
  /** Binds UDP and TCP on address:port inside the namespace; rejects (holding nothing) on failure. */
  listen(netnsPath: string, address: string, port: number): Promise<NamespaceSockets>;
}

/** Whether a host port is bound by some process in the daemon's namespace. */
export interface PortProbe {
  inUse(hostIp: string, protocol: PortProtocol, port: number): Promise<boolean>;
}
