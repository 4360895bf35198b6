/**
 * Records read from the cluster store are another node's claims, not facts: anyone who can write
 * to etcd writes them. Each is decoded here, as API input is at the edge, into the engine's type:
 * ids are hex, names follow Docker's rule, node addresses are IPv4, VNIs are in 1..16777215, MACs
 * are unicast and not all zeros, endpoint addresses and host-gw slices lie inside their network's
 * subnet. A record that fails throws EngineError 'invalid' with the reason; ClusterState logs it
 * with its key and leaves it out, so one bad record never stops the others from syncing.
 */
import { invalid } from '../../errors/index.js';
import type { ClusterEndpoint, ClusterNode } from '../../cluster/cluster-store.js';
import { containsCidr, formatAddress, formatCidr, overlaps, tryParseAddress, tryParseCidr, type Cidr } from '../../ipam/index.js';
import type { Network } from '../../model/network.js';

const HEX_ID = /^[0-9a-f]{64}$/;
/** Docker's rule for container and network names. */
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;
/** Display names, hostnames and aliases: printable, no spaces, bounded. */
const TOKEN = /^[\x21-\x7e]{1,255}$/;
/** Container ids: 64 hex from Docker; any short alphanumeric token from other front doors. */
const CONTAINER_ID = /^[a-zA-Z0-9]{1,64}$/;
const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/;
const DRIVER = /^[A-Za-z0-9][A-Za-z0-9_.\/:-]{0,127}$/;
export const VXLANID_OPTION = 'com.docker.network.driver.overlay.vxlanid_list';

type Json = Record<string, unknown>;

function record(value: unknown): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('cluster-record', 'not a JSON object');
  return value as Json;
}

function text(value: unknown, field: string, pattern: RegExp, optional = false): string {
  if (optional && (value === undefined || value === '')) return '';
  if (typeof value !== 'string' || !pattern.test(value)) throw invalid('cluster-record', `${field} ${JSON.stringify(value)?.slice(0, 80)} is not valid`);
  return value;
}

function stringMap(value: unknown, field: string): Record<string, string> {
  const map = record(value ?? {});
  for (const [key, item] of Object.entries(map)) if (typeof item !== 'string') throw invalid('cluster-record', `${field}.${key} is not a string`);
  return map as Record<string, string>;
}

function cidr(value: unknown, field: string, family?: 4 | 6): Cidr {
  const parsed = tryParseCidr(value);
  if (!parsed || (family && parsed.family !== family)) throw invalid('cluster-record', `${field} ${JSON.stringify(value)?.slice(0, 80)} is not an IPv${family ?? '4/6'} CIDR`);
  return parsed;
}

/** `nodes/<id>`: the node's advertised address is where VXLAN traffic and routes go. */
export function decodeNode(id: string, value: unknown): ClusterNode {
  const raw = record(value);
  if (text(raw['id'], 'node id', HEX_ID) !== id) throw invalid('cluster-record', `node id does not match its key`);
  const address = tryParseAddress(raw['address']);
  if (!address || address.family !== 4) throw invalid('cluster-record', `node address ${JSON.stringify(raw['address'])?.slice(0, 80)} is not an IPv4 address`);
  return { id, name: text(raw['name'], 'node name', TOKEN), address: formatAddress(address), since: typeof raw['since'] === 'string' ? raw['since'].slice(0, 64) : '' };
}

/** `networks/<id>`: a global network; its subnets, gateways and VNI reach the kernel. */
export function decodeNetwork(id: string, value: unknown): Network {
  const raw = record(value);
  if (text(raw['id'], 'network id', HEX_ID) !== id) throw invalid('cluster-record', 'network id does not match its key');
  text(raw['name'], 'network name', NAME);
  text(raw['driver'], 'network driver', DRIVER);
  const ipam = record(raw['ipam']);
  if (!Array.isArray(ipam['configs'])) throw invalid('cluster-record', 'ipam.configs is not a list');
  for (const [index, item] of (ipam['configs'] as unknown[]).entries()) {
    const config = record(item);
    const subnet = cidr(config['subnet'], `ipam.configs[${index}].subnet`);
    if (formatCidr(subnet) !== config['subnet']) throw invalid('cluster-record', `ipam.configs[${index}].subnet ${String(config['subnet'])} is not canonical`);
    if (config['gateway'] !== undefined && !insideSubnet(config['gateway'], subnet)) throw invalid('cluster-record', `gateway ${JSON.stringify(config['gateway'])?.slice(0, 80)} is not inside ${formatCidr(subnet)}`);
    if (config['ipRange'] !== undefined && !containsCidr(subnet, cidr(config['ipRange'], `ipam.configs[${index}].ipRange`, subnet.family))) {
      throw invalid('cluster-record', `ipRange ${String(config['ipRange'])} is not inside ${formatCidr(subnet)}`);
    }
  }
  const options = stringMap(raw['options'], 'options');
  stringMap(raw['labels'], 'labels');
  const vni = options[VXLANID_OPTION];
  if (vni !== undefined && !/^\d{1,8}$/.test(vni.split(',')[0]?.trim() ?? '')) throw invalid('cluster-record', `VNI ${JSON.stringify(vni).slice(0, 80)} is not a number`);
  if (vni !== undefined && !(Number(vni.split(',')[0]) >= 1 && Number(vni.split(',')[0]) <= 16_777_215)) throw invalid('cluster-record', `VNI ${vni} is outside 1..16777215`);
  return value as Network;
}

function insideSubnet(address: unknown, subnet: Cidr): boolean {
  const parsed = tryParseAddress(address);
  return parsed !== undefined && parsed.family === subnet.family && containsCidr(subnet, { family: parsed.family, network: parsed.value, prefixLength: parsed.family === 4 ? 32 : 128 });
}

/** An endpoint address "a.b.c.d/len": inside one of the network's subnets of its family. */
function endpointAddress(value: unknown, field: string, family: 4 | 6, network: Network): string {
  if (value === undefined || value === '') return '';
  const parsed = cidr(value, field, family);
  const address = tryParseAddress(String(value).split('/')[0]);
  const subnets = network.ipam.configs.map((config) => tryParseCidr(config.subnet)).filter((subnet): subnet is Cidr => subnet?.family === family);
  if (!address || !subnets.some((subnet) => parsed.prefixLength >= subnet.prefixLength && insideSubnet(formatAddress(address), subnet))) {
    throw invalid('cluster-record', `${field} ${String(value).slice(0, 80)} is not inside the subnet of network ${network.name}`);
  }
  return `${formatAddress(address)}/${parsed.prefixLength}`;
}

/** `endpoints/<networkId>/<id>`: its MAC and address become FDB and neighbour entries on every node. */
export function decodeEndpoint(networkId: string, id: string, value: unknown, network: Network): ClusterEndpoint {
  const raw = record(value);
  if (text(raw['id'], 'endpoint id', HEX_ID) !== id) throw invalid('cluster-record', 'endpoint id does not match its key');
  if (raw['networkId'] !== networkId) throw invalid('cluster-record', 'endpoint networkId does not match its key');
  const mac = text(typeof raw['macAddress'] === 'string' ? raw['macAddress'].toLowerCase() : raw['macAddress'], 'MAC address', MAC);
  const first = Number.parseInt(mac.slice(0, 2), 16);
  if (mac === '00:00:00:00:00:00' || (first & 1) === 1) throw invalid('cluster-record', `MAC address ${mac} is not a unicast address`);
  const aliases = raw['aliases'] ?? [];
  if (!Array.isArray(aliases) || aliases.length > 64) throw invalid('cluster-record', 'aliases is not a list');
  return {
    id,
    networkId,
    nodeId: text(raw['nodeId'], 'node id', HEX_ID),
    containerId: text(raw['containerId'], 'container id', CONTAINER_ID),
    name: text(raw['name'], 'container name', NAME),
    hostname: text(raw['hostname'], 'hostname', TOKEN, true),
    aliases: aliases.map((alias, index) => text(alias, `aliases[${index}]`, TOKEN)),
    macAddress: mac,
    ipv4Address: endpointAddress(raw['ipv4Address'], 'IPv4 address', 4, network),
    ipv6Address: endpointAddress(raw['ipv6Address'], 'IPv6 address', 6, network),
  };
}

export interface SliceRecord {
  key: string;
  nodeId: string;
  value: unknown;
  /** Whether `sliceclaims/<networkId>/<cidr>` names this node (claimSlice writes both at once). */
  claimed: boolean;
}

/**
 * `slices/<networkId>/<nodeId>` (host-gw): each becomes a route on every node. A slice must be an
 * IPv4 CIDR strictly inside the network's subnet, of the network's slice size, claimed by its
 * node (claims are per exact CIDR, so two nodes can't both hold one), and overlap no other
 * node's slice; this node's own slice wins any overlap, and two other nodes' overlapping slices
 * are both left out.
 */
export function decodeSlices(records: readonly SliceRecord[], network: Network, selfId: string, reject: (key: string, reason: string) => void): Array<{ nodeId: string; cidr: string }> {
  const subnet = tryParseCidr(network.ipam.configs.find((config) => tryParseCidr(config.subnet)?.family === 4)?.subnet);
  const valid: Array<{ key: string; nodeId: string; cidr: Cidr }> = [];
  for (const item of records) {
    const slice = tryParseCidr(item.value);
    if (!HEX_ID.test(item.nodeId)) reject(item.key, 'node id is not 64 hex');
    else if (!slice || slice.family !== 4 || formatCidr(slice) !== item.value) reject(item.key, `slice ${JSON.stringify(item.value)?.slice(0, 80)} is not a canonical IPv4 CIDR`);
    else if (!subnet || !containsCidr(subnet, slice) || slice.prefixLength <= subnet.prefixLength) reject(item.key, `slice ${item.value} is not inside the subnet of network ${network.name}`);
    else if (slice.prefixLength !== hostPrefix(network, subnet)) reject(item.key, `slice ${item.value} is not a /${hostPrefix(network, subnet)} (the network's host prefix)`);
    else if (!item.claimed) reject(item.key, `slice ${item.value} is not claimed by node ${item.nodeId.slice(0, 12)}`);
    else valid.push({ key: item.key, nodeId: item.nodeId, cidr: slice });
  }
  const own = valid.find((slice) => slice.nodeId === selfId);
  return valid
    .filter((slice) => {
      if (slice === own) return true;
      const clash = valid.find((other) => other !== slice && overlaps(other.cidr, slice.cidr));
      if (clash) reject(slice.key, `slice ${formatCidr(slice.cidr)} overlaps the slice of node ${clash.nodeId.slice(0, 12)}`);
      return clash === undefined;
    })
    .map((slice) => ({ nodeId: slice.nodeId, cidr: formatCidr(slice.cidr) }));
}

/** The size of every slice: `host_prefix`, else the subnet's + 8 at most /28 (drivers/overlay/options.ts). */
function hostPrefix(network: Network, subnet: Cidr): number {
  const raw = network.options['host_prefix'];
  return raw !== undefined && /^\d{1,2}$/.test(raw) ? Number(raw) : Math.min(subnet.prefixLength + 8, 28);
}
