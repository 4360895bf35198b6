/**
 * Endpoint address allocation inside a network's pool configs. Pure: callers pass the addresses
 * already handed out and persist the result; releasing an address is removing it from that list.
 *
 * Order: Docker 20.10 hands out the LOWEST free address of the ip-range (or subnet) on local
 * networks. The recording shows it: on my_bridge the fifth short-lived container got 172.18.0.3
 * again (S083), and nginx005 reused 172.17.0.6 after three --rm containers had held it. libnetwork's
 * serial mode (a "current" pointer that moves past the last allocation and wraps) is only switched
 * on by swarm's allocator (`com.docker.network.ipam.serial`). Both are offered: omit `cursor` for
 * Docker's local behaviour, or pass the returned `next` back as `cursor` for round robin, which
 * keeps a just-freed address out of use for as long as possible.
 *
 * Cost: O(k log k) for k allocated addresses (sort once, then walk), never O(subnet size), so a /8
 * or an IPv6 /64 costs the same as a /24.
 */
import { EngineError, forbidden, invalid, system } from '../errors/engine-error.js';
import type { IpamPoolConfig } from '../model/network.js';
import { formatAddress, parseAddress, tryParseAddress, type IpAddress, type IpFamily } from './address.js';
import { contains, lastValue, parseCidr, reservedValues, toCidr, formatCidr, type Cidr } from './cidr.js';

interface PoolView {
  config: IpamPoolConfig;
  subnet: Cidr;
  /** Inclusive bounds of the dynamic range: the ip-range if given, else the subnet. */
  start: bigint;
  end: bigint;
}

function viewOf(config: IpamPoolConfig): PoolView {
  const subnet = parseCidr(config.subnet);
  const range = config.ipRange === undefined || config.ipRange === '' ? subnet : parseCidr(config.ipRange);
  return { config, subnet, start: range.network, end: lastValue(range) };
}

function compareBigint(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorted, de-duplicated values of the addresses that lie in the subnet. */
function valuesIn(subnet: Cidr, addresses: Iterable<IpAddress>): bigint[] {
  const values = new Set<bigint>();
  for (const address of addresses) if (contains(subnet, address)) values.add(address.value);
  return [...values].sort(compareBigint);
}

/** Lowest value in [start, end] missing from sorted `taken`, walking only the taken values. */
function firstFree(start: bigint, end: bigint, taken: readonly bigint[]): bigint | undefined {
  let low = 0;
  let high = taken.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((taken[middle] as bigint) < start) low = middle + 1;
    else high = middle;
  }
  // Invariant: taken[low] >= candidate, so a value equal to candidate means "taken, try the next".
  for (let candidate = start; candidate <= end; candidate += 1n, low += 1) {
    const value = taken[low];
    if (value === undefined || value > candidate) return candidate;
  }
  return undefined;
}

function auxAddresses(config: IpamPoolConfig): IpAddress[] {
  return Object.values(config.auxAddresses ?? {}).flatMap((text) => tryParseAddress(text) ?? []);
}

/**
 * The gateway Docker would choose when none is given: the first address the allocator hands out
 * (so the first of the ip-range when there is one), never a reserved or auxiliary address.
 * undefined for /31, /32, /127 and /128 (no gateway reservation on point-to-point subnets).
 */
export function defaultGateway(config: IpamPoolConfig): string | undefined {
  const pool = viewOf(config);
  const { subnet } = pool;
  if (reservedValues(subnet).length === 0) return undefined;
  const reserved = [...reservedValues(subnet), ...valuesIn(subnet, auxAddresses(config))].sort(compareBigint);
  const value = firstFree(pool.start, pool.end, reserved);
  return value === undefined ? undefined : formatAddress({ family: subnet.family, value });
}

/** The gateway in effect: the configured one, else the default (configs stored Docker-style may omit it). */
export function gatewayOf(config: IpamPoolConfig): string | undefined {
  return config.gateway === undefined || config.gateway === '' ? defaultGateway(config) : config.gateway;
}

/** Network, broadcast, gateway and auxiliary addresses plus the allocated ones, sorted. */
function takenValues(pool: PoolView, allocated: readonly IpAddress[]): bigint[] {
  const gateway = tryParseAddress(gatewayOf(pool.config));
  const fixed = [...auxAddresses(pool.config), ...(gateway === undefined ? [] : [gateway]), ...allocated];
  return [...new Set([...reservedValues(pool.subnet), ...valuesIn(pool.subnet, fixed)])].sort(compareBigint);
}

function parseAllocated(allocated: Iterable<string>): IpAddress[] {
  const addresses: IpAddress[] = [];
  for (const text of allocated) {
    // Endpoints may store "172.18.0.2/16" (Docker's EndpointResource form) or the bare address.
    const address = tryParseAddress(text.split('/')[0]);
    if (address === undefined) throw system('corrupt-allocation', `stored allocation ${JSON.stringify(text)} is not an IP address`);
    addresses.push(address);
  }
  return addresses;
}

/** Where an endpoint's address lives: what the endpoint and the driver need to configure it. */
export interface AddressAssignment {
  /** The address without prefix length, e.g. "10.99.0.128". */
  address: string;
  /** The subnet it belongs to, e.g. "10.99.0.0/24". */
  subnet: string;
  prefixLength: number;
  /** The pool's gateway in effect; undefined on point-to-point subnets. */
  gateway?: string;
}

export interface Allocation extends AddressAssignment {
  /** For round robin: pass back as `cursor` next time (the address after this one, wrapping in the range). */
  next: string;
}

function assignment(pool: PoolView, value: bigint): AddressAssignment {
  const gateway = gatewayOf(pool.config);
  return {
    address: formatAddress({ family: pool.subnet.family, value }),
    subnet: formatCidr(pool.subnet),
    prefixLength: pool.subnet.prefixLength,
    ...(gateway === undefined ? {} : { gateway }),
  };
}

/** Docker's IPAM option (`--ipam-opt com.docker.network.ipam.serial=true`) asking for round robin. */
export const SERIAL_ALLOCATION_OPTION = 'com.docker.network.ipam.serial';

/** Whether a network's IPAM options ask for round-robin allocation (then pass `cursor`). */
export function usesSerialAllocation(options: Readonly<Record<string, string>> | null | undefined): boolean {
  return options?.[SERIAL_ALLOCATION_OPTION] === 'true';
}

export interface AllocateOptions {
  /** Addresses already handed out on this network (bare or "address/prefix"); other families are ignored. */
  allocated: Iterable<string>;
  /** Default 4. */
  family?: IpFamily;
  /** Round robin: start the search here and wrap (see the note at the top). Omit for lowest free. */
  cursor?: string;
  /** Named in the exhaustion message, as Docker does. */
  network: { name: string; id: string };
}

/**
 * Allocates the next free address of the given family, trying the network's pools of that family
 * in order. Throws EngineError 'system' / 'ipam-exhausted' with Docker's message when all are full.
 */
export function allocateAddress(configs: readonly IpamPoolConfig[], options: AllocateOptions): Allocation {
  const family = options.family ?? 4;
  const allocated = parseAllocated(options.allocated);
  const cursor = tryParseAddress(options.cursor);
  for (const config of configs) {
    const pool = viewOf(config);
    if (pool.subnet.family !== family) continue;
    const taken = takenValues(pool, allocated);
    const from = cursor !== undefined && cursor.family === family && cursor.value > pool.start && cursor.value <= pool.end ? cursor.value : pool.start;
    const value = firstFree(from, pool.end, taken) ?? (from > pool.start ? firstFree(pool.start, from - 1n, taken) : undefined);
    if (value !== undefined) {
      const next = value + 1n > pool.end ? pool.start : value + 1n;
      return { ...assignment(pool, value), next: formatAddress({ family, value: next }) };
    }
  }
  throw new EngineError(
    'system',
    'ipam-exhausted',
    `no available IPv${family} addresses on this network's address pools: ${options.network.name} (${options.network.id})`,
  );
}

/**
 * Allocates a specific address (--ip / --ip6). Like Docker it must lie in one of the network's
 * subnets but not necessarily in the ip-range. Throws 'invalid' when it is in no subnet and
 * 'forbidden' "Address already in use" when it is taken or reserved (network, broadcast, gateway, aux).
 * No cursor comes back: as in libnetwork, a specific request does not move the round-robin position.
 */
export function requestAddress(
  configs: readonly IpamPoolConfig[],
  address: string,
  options: { allocated: Iterable<string> },
): AddressAssignment {
  const wanted = parseAddress(address);
  const config = configs.find((candidate) => contains(toCidr(candidate.subnet), wanted));
  if (config === undefined) {
    throw invalid('address-out-of-range', `Invalid address ${formatAddress(wanted)}: It does not belong to any of this network's subnets`);
  }
  const pool = viewOf(config);
  if (takenValues(pool, parseAllocated(options.allocated)).includes(wanted.value)) {
    throw forbidden('address-in-use', 'Address already in use');
  }
  return assignment(pool, wanted.value);
}
