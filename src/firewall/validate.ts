/**
 * Every value that reaches an nft script passes through here first. Bridge names come from user
 * options (com.docker.network.bridge.name), so the builder only ever interpolates strings that
 * match a strict whitelist: nothing that could close a quote, start a comment, end a command or
 * act as an nft interface wildcard (`*`).
 */
import ipaddr from 'ipaddr.js';
import { invalid } from '../errors/index.js';
import type { FirewallNetwork, FirewallState } from './intent.js';

// Linux allows more (any byte but '/', ':', whitespace, NUL), but names we create never need it.
const BRIDGE_NAME = /^[A-Za-z0-9_.-]{1,15}$/;
// nft identifiers start with a letter; keep table names short and boring.
const TABLE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;
const NETWORK_ID = /^[0-9a-f]{64}$/;
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const CIDR4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}/(?:3[0-2]|[12]?[0-9])$`);
const CIDR6 = /^[0-9A-Fa-f:.]{2,45}\/(?:12[0-8]|1[01][0-9]|[1-9]?[0-9])$/;

export function assertTableName(name: string): string {
  if (!TABLE_NAME.test(name)) {
    throw invalid('firewall-invalid-table', `invalid nftables table name ${JSON.stringify(name)}`,
      'use 1-32 letters, digits or "_", starting with a letter');
  }
  return name;
}

export function assertBridgeName(name: string): string {
  if (!BRIDGE_NAME.test(name) || name === '.' || name === '..') {
    throw invalid('firewall-invalid-bridge-name', `invalid bridge name ${JSON.stringify(name)}`,
      'use 1-15 characters from A-Z a-z 0-9 _ . -');
  }
  return name;
}

export function assertNetworkId(id: string): string {
  if (!NETWORK_ID.test(id)) {
    throw invalid('firewall-invalid-network-id', `invalid network id ${JSON.stringify(id)}: expected 64 hex digits`);
  }
  return id;
}

function badSubnet(cidr: string, why: string): Error {
  return invalid('firewall-invalid-subnet', `invalid subnet ${JSON.stringify(cidr)}: ${why}`);
}

/** Canonical IPv4 CIDR; rejects host bits, leading zeros and anything ipaddr.js would "fix". */
export function normalizeSubnet4(cidr: string): string {
  if (!CIDR4.test(cidr)) throw badSubnet(cidr, 'not an IPv4 CIDR');
  const network = ipaddr.IPv4.networkAddressFromCIDR(cidr).toString();
  if (`${network}/${cidr.split('/')[1]}` !== cidr) throw badSubnet(cidr, `host bits set (network is ${network})`);
  return cidr;
}

/** Canonical (compressed, lower-case) IPv6 CIDR; rejects host bits, zones and IPv4 CIDRs. */
export function normalizeSubnet6(cidr: string): string {
  if (!CIDR6.test(cidr) || !cidr.includes(':') || !ipaddr.IPv6.isValidCIDR(cidr)) {
    throw badSubnet(cidr, 'not an IPv6 CIDR');
  }
  const [address, prefix] = ipaddr.IPv6.parseCIDR(cidr);
  const network = ipaddr.IPv6.networkAddressFromCIDR(cidr);
  if (network.toNormalizedString() !== address.toNormalizedString()) {
    throw badSubnet(cidr, `host bits set (network is ${network.toRFC5952String()})`);
  }
  return `${network.toRFC5952String()}/${prefix}`;
}

/** A checked copy of one network with canonical subnets. */
export function validateNetwork(network: FirewallNetwork): FirewallNetwork {
  return {
    id: assertNetworkId(network.id),
    bridge: assertBridgeName(network.bridge),
    subnets4: network.subnets4.map(normalizeSubnet4),
    subnets6: network.subnets6.map(normalizeSubnet6),
    masquerade: network.masquerade,
    ...(network.masquerade6 === undefined ? {} : { masquerade6: network.masquerade6 }),
    icc: network.icc,
    internal: network.internal,
    ...(network.routed4 === true ? { routed4: true } : {}),
    ...(network.peerSubnets4 && network.peerSubnets4.length > 0 ? { peerSubnets4: network.peerSubnets4.map(normalizeSubnet4) } : {}),
  };
}

/** A checked copy of the state; two networks may share neither a bridge nor a chain name. */
export function validateState(state: FirewallState): FirewallState {
  const table = assertTableName(state.table);
  const networks = state.networks.map(validateNetwork);
  const bridges = new Set<string>();
  const shortIds = new Set<string>();
  for (const network of networks) {
    if (bridges.has(network.bridge)) {
      throw invalid('firewall-duplicate-bridge', `bridge ${JSON.stringify(network.bridge)} belongs to two networks`);
    }
    const shortId = network.id.slice(0, 12);
    if (shortIds.has(shortId)) {
      throw invalid('firewall-duplicate-network', `two networks share the id prefix ${JSON.stringify(shortId)}`);
    }
    bridges.add(network.bridge);
    shortIds.add(shortId);
  }
  return { table, networks };
}
