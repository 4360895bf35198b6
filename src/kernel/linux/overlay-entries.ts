/**
 * The pure half of the overlay adapter: typed views of `ip -json` / `bridge -json` output, the
 * diff between what the kernel holds and what is asked, and the batch lines that close it. No
 * process is spawned here, so all of it is unit-tested without root.
 *
 * Every value that ends up in a batch line is validated first: `ip -batch` / `bridge -batch`
 * tokenize on whitespace, so a stray space or newline in a name would be a second command.
 */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { invalid } from '../../errors/index.js';
import type { PeerRoute, VxlanPeer, VxlanSpec } from '../ports.js';

/**
 * Route protocol number that marks conet's routes (`ip route ... proto 147`). Not in
 * /etc/iproute2/rt_protos nor in the kernel's RTPROT_* list; routes with any other protocol are
 * never listed as ours, so never changed nor deleted.
 */
export const CONET_ROUTE_PROTOCOL = 147;

/** VXLAN header overhead on an IPv4 underlay: outer IPv4 (20) + UDP (8) + VXLAN (8) + inner Ethernet (14). */
export const VXLAN_OVERHEAD_IPV4 = 50;
/** The same on an IPv6 underlay (outer IPv6 header is 40 bytes). */
export const VXLAN_OVERHEAD_IPV6 = 70;

// ---------------------------------------------------------------------------------------------
// Validation and normalization

const NAME = /^[A-Za-z0-9_.-]{1,15}$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

export function checkDeviceName(name: string): string {
  if (!NAME.test(name)) throw invalid('overlay-device-name', `invalid device name ${JSON.stringify(name)}: 1 to 15 of [A-Za-z0-9_.-]`);
  return name;
}

/** Lower-case colon form; rejects anything else. */
export function normalizeMac(mac: string): string {
  const lower = mac.toLowerCase();
  if (!MAC.test(lower)) throw invalid('overlay-mac', `invalid MAC address ${JSON.stringify(mac)}`);
  return lower;
}

/** Canonical text of an IPv4 or IPv6 address (IPv6 compressed, lower case); rejects anything else. */
export function normalizeAddress(address: string): string {
  if (isIP(address) === 0) throw invalid('overlay-address', `invalid IP address ${JSON.stringify(address)}`);
  return ipaddr.parse(address).toString();
}

/** Canonical CIDR: "default" becomes 0.0.0.0/0 or ::/0, a bare address gets /32 or /128. */
export function normalizeCidr(cidr: string, family: 4 | 6 = 4): string {
  if (cidr === 'default') return family === 6 ? '::/0' : '0.0.0.0/0';
  const [address = '', length, ...rest] = cidr.split('/');
  if (rest.length > 0) throw invalid('overlay-cidr', `invalid CIDR ${JSON.stringify(cidr)}`);
  const canonical = normalizeAddress(address);
  const max = canonical.includes(':') ? 128 : 32;
  const bits = length === undefined ? max : Number(length);
  if (!/^\d{1,3}$/.test(length ?? String(max)) || bits > max) throw invalid('overlay-cidr', `invalid CIDR ${JSON.stringify(cidr)}`);
  return `${canonical}/${bits}`;
}

function quote(text: string): string {
  if (/["\n\r\\]/.test(text)) throw invalid('overlay-alias', `invalid alias ${JSON.stringify(text)}`);
  return `"${text}"`;
}

// ---------------------------------------------------------------------------------------------
// The VXLAN device

/** What `ip -json -details link show dev NAME` says about a link, as far as ensureVxlan cares. */
export interface VxlanState {
  name: string;
  kind: string;
  vni?: number;
  port?: number;
  local?: string;
  learning?: boolean;
  proxy?: boolean;
  mtu: number;
  alias: string;
  master: string;
  up: boolean;
}

interface RawVxlanLink {
  ifname: string;
  flags?: string[];
  mtu?: number;
  ifalias?: string;
  master?: string;
  linkinfo?: {
    info_kind?: string;
    info_data?: { id?: number; port?: number; local?: string; local6?: string; learning?: boolean; proxy?: boolean };
  };
}

function parseArray<T>(text: string): T[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const value: unknown = JSON.parse(trimmed);
  return Array.isArray(value) ? (value as T[]) : [];
}

export function parseVxlanLink(text: string): VxlanState | undefined {
  const raw = parseArray<RawVxlanLink>(text)[0];
  if (!raw) return undefined;
  const data = raw.linkinfo?.info_data ?? {};
  const local = data.local ?? data.local6;
  return {
    name: raw.ifname,
    kind: raw.linkinfo?.info_kind ?? '',
    ...(data.id === undefined ? {} : { vni: data.id }),
    ...(data.port === undefined ? {} : { port: data.port }),
    ...(local === undefined ? {} : { local: normalizeAddress(local) }),
    ...(data.learning === undefined ? {} : { learning: data.learning }),
    ...(data.proxy === undefined ? {} : { proxy: data.proxy }),
    mtu: raw.mtu ?? 0,
    alias: raw.ifalias ?? '',
    master: raw.master ?? '',
    up: raw.flags?.includes('UP') ?? false,
  };
}

export function checkVxlanSpec(spec: VxlanSpec): void {
  checkDeviceName(spec.name);
  checkDeviceName(spec.master);
  if (!Number.isInteger(spec.vni) || spec.vni < 1 || spec.vni > 16_777_215) throw invalid('overlay-vni', `invalid VXLAN id ${spec.vni}: 1..16777215`);
  if (!Number.isInteger(spec.port) || spec.port < 1 || spec.port > 65_535) throw invalid('overlay-port', `invalid VXLAN UDP port ${spec.port}`);
  if (!Number.isInteger(spec.mtu) || spec.mtu < 68 || spec.mtu > 65_535) throw invalid('overlay-mtu', `invalid MTU ${spec.mtu}`);
  normalizeAddress(spec.local);
  quote(spec.alias);
}

/** The device's identity (what cannot be changed in place) matches the spec. */
export function vxlanMatches(spec: VxlanSpec, current: VxlanState): boolean {
  return (
    current.kind === 'vxlan' &&
    current.vni === spec.vni &&
    current.port === spec.port &&
    current.local === normalizeAddress(spec.local) &&
    current.learning === false &&
    current.proxy === true
  );
}

/** Batch lines that create the device, mark it, enslave it and bring it up. */
export function vxlanCreateCommands(spec: VxlanSpec): string[] {
  return [
    `link add name ${spec.name} mtu ${spec.mtu} type vxlan id ${spec.vni} local ${normalizeAddress(spec.local)} dstport ${spec.port} nolearning proxy`,
    `link set dev ${spec.name} alias ${quote(spec.alias)}`,
    `link set dev ${spec.name} master ${spec.master}`,
    `link set dev ${spec.name} up`,
  ];
}

/** Batch lines that make an existing, matching device's mtu/alias/master/up right; none when it is. */
export function vxlanConfigureCommands(spec: VxlanSpec, current: VxlanState): string[] {
  const commands: string[] = [];
  if (current.mtu !== spec.mtu) commands.push(`link set dev ${spec.name} mtu ${spec.mtu}`);
  if (current.alias !== spec.alias) commands.push(`link set dev ${spec.name} alias ${quote(spec.alias)}`);
  if (current.master !== spec.master) commands.push(`link set dev ${spec.name} master ${spec.master}`);
  if (!current.up) commands.push(`link set dev ${spec.name} up`);
  return commands;
}

// ---------------------------------------------------------------------------------------------
// Peers: FDB (mac -> vtep) and neighbour (address -> mac) entries

export interface FdbEntry {
  mac: string;
  vtep: string;
}

export interface NeighbourEntry {
  address: string;
  mac: string;
}

interface RawFdb {
  mac?: string;
  dst?: string;
  flags?: string[];
  master?: string;
  state?: string;
}

interface RawNeighbour {
  dst?: string;
  lladdr?: string;
  state?: string[];
}

const ZERO_MAC = '00:00:00:00:00:00';

/**
 * The VXLAN device's own permanent forwarding entries with a destination (`self`, `dst`,
 * `permanent`). The bridge's entries for the port (`master br`), learned or dynamic ones and the
 * all-zeros default (flood) entry are not ours and are left out.
 */
export function parseFdb(text: string): FdbEntry[] {
  const entries: FdbEntry[] = [];
  for (const raw of parseArray<RawFdb>(text)) {
    if (!raw.mac || !raw.dst || raw.master || raw.state !== 'permanent') continue;
    if (!(raw.flags ?? []).includes('self')) continue;
    const mac = raw.mac.toLowerCase();
    if (mac === ZERO_MAC || isIP(raw.dst) === 0) continue;
    entries.push({ mac, vtep: normalizeAddress(raw.dst) });
  }
  return entries;
}

/** Permanent neighbour entries with a link-layer address; the kernel's own (reachable, stale, ...) are left out. */
export function parseNeighbours(text: string): NeighbourEntry[] {
  const entries: NeighbourEntry[] = [];
  for (const raw of parseArray<RawNeighbour>(text)) {
    if (!raw.dst || !raw.lladdr || !(raw.state ?? []).includes('PERMANENT')) continue;
    if (isIP(raw.dst) === 0) continue;
    entries.push({ address: normalizeAddress(raw.dst), mac: raw.lladdr.toLowerCase() });
  }
  return entries;
}

/**
 * What `peers` asks for, validated and normalized: one vtep per MAC, one MAC per address (several
 * addresses may share a MAC, e.g. a container's IPv4 and IPv6). Contradictions are rejected.
 */
export function wantedEntries(peers: readonly VxlanPeer[]): { fdb: Map<string, string>; neighbours: Map<string, string> } {
  const fdb = new Map<string, string>();
  const neighbours = new Map<string, string>();
  for (const peer of peers) {
    const mac = normalizeMac(peer.mac);
    const address = normalizeAddress(peer.address);
    const vtep = normalizeAddress(peer.vtep);
    if (mac === ZERO_MAC) throw invalid('overlay-peer', `peer ${peer.address}: the all-zeros MAC is not a peer`);
    const knownVtep = fdb.get(mac);
    if (knownVtep !== undefined && knownVtep !== vtep) throw invalid('overlay-peer-conflict', `MAC ${mac} is asked behind two VTEPs (${knownVtep}, ${vtep})`);
    const knownMac = neighbours.get(address);
    if (knownMac !== undefined && knownMac !== mac) throw invalid('overlay-peer-conflict', `address ${address} is asked with two MACs (${knownMac}, ${mac})`);
    fdb.set(mac, vtep);
    neighbours.set(address, mac);
  }
  return { fdb, neighbours };
}

export interface PeerCommands {
  /** Lines for `bridge -batch -` (deletes first, then replaces); empty when nothing changes. */
  bridge: string[];
  /** Lines for `ip -batch -` (deletes first, then replaces); empty when nothing changes. */
  ip: string[];
}

/** The smallest set of changes that makes the device's entries exactly `peers`. */
export function peerCommands(device: string, peers: readonly VxlanPeer[], fdb: readonly FdbEntry[], neighbours: readonly NeighbourEntry[]): PeerCommands {
  checkDeviceName(device);
  const wanted = wantedEntries(peers);
  const bridgeDeletes: string[] = [];
  const bridgeAdds: string[] = [];
  const have = new Set<string>();
  for (const entry of fdb) {
    if (wanted.fdb.get(entry.mac) === entry.vtep && !have.has(entry.mac)) have.add(entry.mac);
    else bridgeDeletes.push(`fdb del ${entry.mac} dev ${device} dst ${entry.vtep} self`);
  }
  for (const [mac, vtep] of wanted.fdb) {
    if (!have.has(mac)) bridgeAdds.push(`fdb replace ${mac} dev ${device} dst ${vtep} self permanent`);
  }
  const ipDeletes: string[] = [];
  const ipAdds: string[] = [];
  const present = new Set<string>();
  for (const entry of neighbours) {
    if (wanted.neighbours.get(entry.address) === entry.mac) present.add(entry.address);
    else if (!wanted.neighbours.has(entry.address)) ipDeletes.push(`neigh del ${entry.address} dev ${device}`);
  }
  for (const [address, mac] of wanted.neighbours) {
    if (!present.has(address)) ipAdds.push(`neigh replace ${address} lladdr ${mac} dev ${device} nud permanent`);
  }
  return { bridge: [...bridgeDeletes, ...bridgeAdds], ip: [...ipDeletes, ...ipAdds] };
}

// ---------------------------------------------------------------------------------------------
// Peer routes (routed / host-gw mode)

export interface OwnedRoute {
  destination: string;
  via: string;
  metric?: number;
}

interface RawRoute {
  dst?: string;
  gateway?: string;
  protocol?: string | number;
  table?: string | number;
  metric?: number;
}

/**
 * conet's routes in the main table from `ip -json route show table all proto 147` (both families
 * in one dump; ip prints `table` only for tables other than main).
 */
export function parseOwnedRoutes(text: string): OwnedRoute[] {
  const routes: OwnedRoute[] = [];
  for (const raw of parseArray<RawRoute>(text)) {
    if (!raw.dst) continue;
    if (raw.table !== undefined && raw.table !== 'main' && raw.table !== 254) continue;
    if (raw.protocol !== undefined && String(raw.protocol) !== String(CONET_ROUTE_PROTOCOL)) continue;
    const family = raw.gateway?.includes(':') || raw.dst.includes(':') ? 6 : 4;
    routes.push({
      destination: normalizeCidr(raw.dst, family),
      via: raw.gateway && isIP(raw.gateway) !== 0 ? normalizeAddress(raw.gateway) : '',
      ...(raw.metric === undefined ? {} : { metric: raw.metric }),
    });
  }
  return routes;
}

/** Validated, normalized destination -> via; a destination asked twice with two gateways is rejected. */
export function wantedRoutes(routes: readonly PeerRoute[]): Map<string, string> {
  const wanted = new Map<string, string>();
  for (const route of routes) {
    const via = normalizeAddress(route.via);
    const destination = normalizeCidr(route.destination, via.includes(':') ? 6 : 4);
    if (destination.includes(':') !== via.includes(':')) throw invalid('overlay-route', `route ${route.destination} via ${route.via}: address families differ`);
    const known = wanted.get(destination);
    if (known !== undefined && known !== via) throw invalid('overlay-route-conflict', `route ${destination} is asked via two gateways (${known}, ${via})`);
    wanted.set(destination, via);
  }
  return wanted;
}

/**
 * `ip -batch` lines that make conet's routes exactly `routes`: first deletes of ours that are not
 * asked (or whose gateway changed), matched by protocol so only ours, then `add` for the missing.
 * Never `replace`: replace matches on destination and metric whatever the protocol, so it would
 * silently take over someone else's route; `add` fails with "File exists" instead.
 */
export function peerRouteCommands(routes: readonly PeerRoute[], current: readonly OwnedRoute[]): string[] {
  const wanted = wantedRoutes(routes);
  const deletes: string[] = [];
  const kept = new Set<string>();
  for (const route of current) {
    if (wanted.get(route.destination) === route.via && !kept.has(route.destination)) {
      kept.add(route.destination);
      continue;
    }
    const gateway = route.via ? ` via ${route.via}` : '';
    const metric = route.metric === undefined ? '' : ` metric ${route.metric}`;
    deletes.push(`route del ${route.destination}${gateway} proto ${CONET_ROUTE_PROTOCOL}${metric}`);
  }
  const adds: string[] = [];
  for (const [destination, via] of wanted) {
    if (!kept.has(destination)) adds.push(`route add ${destination} via ${via} proto ${CONET_ROUTE_PROTOCOL}`);
  }
  return [...deletes, ...adds];
}

// ---------------------------------------------------------------------------------------------
// Underlay

interface RawAddrLink {
  ifname: string;
  mtu?: number;
  addr_info?: Array<{ family?: string; local?: string }>;
}

/** The link holding `address` in `ip -json addr show` output, or undefined. */
export function findUnderlay(text: string, address: string): { device: string; mtu: number } | undefined {
  const wanted = normalizeAddress(address);
  for (const raw of parseArray<RawAddrLink>(text)) {
    for (const info of raw.addr_info ?? []) {
      if (info.local && isIP(info.local) !== 0 && normalizeAddress(info.local) === wanted) return { device: raw.ifname, mtu: raw.mtu ?? 0 };
    }
  }
  return undefined;
}
