/**
 * Default address pools and picking a free subnet from them for a new network.
 *
 * A pool { base, size } stands for the sequence of /size blocks of base, in address order; the
 * pools' sequences are tried one after the other and the first block that overlaps neither a used
 * subnet nor an avoided range wins (moby's ipamutils + default IPAM `getPredefinedPool`).
 *
 * Picking must stay cheap with thousands of networks, so instead of testing every candidate block
 * against every used subnet, the used ranges are sorted and merged once per pick and each pool is
 * walked with one cursor that jumps past the merged range it collides with: O(n log n) for n used
 * subnets, whatever the pools' size.
 */
import { EngineError, invalid } from '../errors/engine-error.js';
import { addressBits, type IpFamily } from './address.js';
import { formatCidr, lastValue, tryParseCidr, type Cidr } from './cidr.js';

export interface AddressPool {
  /** CIDR the subnets are cut from, e.g. "172.20.0.0/14". */
  base: string;
  /** Prefix length of each subnet cut from base, e.g. 16. */
  size: number;
}

/**
 * Docker 20.10's local-scope defaults (ipamutils.localScopeDefaultNetworks), written as moby writes
 * them: 172.17-172.31 as fifteen /16s, then 192.168.0.0/16 as sixteen /20s, 31 subnets in all.
 */
export const DOCKER_DEFAULT_POOLS: readonly AddressPool[] = Object.freeze([
  { base: '172.17.0.0/16', size: 16 },
  { base: '172.18.0.0/16', size: 16 },
  { base: '172.19.0.0/16', size: 16 },
  { base: '172.20.0.0/14', size: 16 },
  { base: '172.24.0.0/14', size: 16 },
  { base: '172.28.0.0/14', size: 16 },
  { base: '192.168.0.0/16', size: 20 },
]);

/**
 * Where conet keeps going once Docker's 31 are used up (Docker itself fails there): 256 /24s of
 * 172.16.0.0/16, then 4096 /24s of 10.208.0.0/12, a corner of 10/8 that swarm's 10.0.0.0/8 overlay
 * pool reaches last. Host routes into either are skipped by pickSubnet's `avoid`.
 */
export const CONET_EXTRA_POOLS: readonly AddressPool[] = Object.freeze([
  { base: '172.16.0.0/16', size: 24 },
  { base: '10.208.0.0/12', size: 24 },
]);

export const DEFAULT_ADDRESS_POOLS: readonly AddressPool[] = Object.freeze([
  ...DOCKER_DEFAULT_POOLS,
  ...CONET_EXTRA_POOLS,
]);

/** Docker's global-scope (overlay/swarm) default: 10.0.0.0/8 cut into /24s. */
export const DOCKER_GLOBAL_SCOPE_POOLS: readonly AddressPool[] = Object.freeze([{ base: '10.0.0.0/8', size: 24 }]);

function invalidPool(pool: unknown, reason: string): EngineError {
  // JSON text escapes control characters; the length bound keeps a hostile config file readable.
  const shown = (JSON.stringify(pool) ?? String(pool)).slice(0, 120);
  return invalid('invalid-address-pool', `invalid default address pool ${shown}: ${reason}`);
}

/**
 * Checks pools from configuration (daemon.json `default-address-pools`) and returns them with
 * normalised bases. Throws EngineError 'invalid' naming the bad entry.
 */
export function validateAddressPools(pools: unknown): AddressPool[] {
  if (!Array.isArray(pools)) throw invalidPool(pools, 'expected a list of {"base": CIDR, "size": prefix length}');
  return pools.map((pool: unknown) => {
    const { base, size } = (typeof pool === 'object' && pool !== null ? pool : {}) as Record<string, unknown>;
    const cidr = tryParseCidr(base);
    if (cidr === undefined) throw invalidPool(pool, `base is not a CIDR (e.g. "10.10.0.0/16")`);
    const bits = addressBits(cidr.family);
    if (typeof size !== 'number' || !Number.isInteger(size)) throw invalidPool(pool, 'size must be an integer prefix length');
    if (size < cidr.prefixLength || size > bits) {
      throw invalidPool(pool, `size must be between the base prefix length ${cidr.prefixLength} and ${bits}`);
    }
    return { base: formatCidr(cidr), size };
  });
}

interface Range {
  start: bigint;
  end: bigint;
}

/** Sorted, merged address ranges of the given family; text that is not a CIDR or address is skipped. */
function mergedRanges(cidrs: readonly string[], family: IpFamily): Range[] {
  const ranges: Range[] = [];
  for (const text of cidrs) {
    const cidr = tryParseCidr(text.includes('/') ? text : `${text}/${text.includes(':') ? 128 : 32}`);
    if (cidr !== undefined && cidr.family === family) ranges.push({ start: cidr.network, end: lastValue(cidr) });
  }
  ranges.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const merged: Range[] = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last !== undefined && range.start <= last.end + 1n) {
      if (range.end > last.end) last.end = range.end;
    } else {
      merged.push({ ...range });
    }
  }
  return merged;
}

/** Index of the first range ending at or after value (binary search). */
function firstRangeEndingFrom(ranges: readonly Range[], value: bigint): number {
  let low = 0;
  let high = ranges.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((ranges[middle] as Range).end < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

function firstFreeBlock(pool: Cidr, size: number, taken: readonly Range[]): Cidr | undefined {
  const blockSize = 1n << BigInt(addressBits(pool.family) - size);
  const poolEnd = lastValue(pool);
  let candidate = pool.network;
  let index = firstRangeEndingFrom(taken, candidate);
  while (candidate <= poolEnd) {
    while (index < taken.length && (taken[index] as Range).end < candidate) index += 1;
    const range = taken[index];
    if (range === undefined || range.start > candidate + blockSize - 1n) {
      return { family: pool.family, network: candidate, prefixLength: size };
    }
    // Every block up to the one holding range.end overlaps this range: jump past it, staying aligned.
    candidate = pool.network + ((range.end + 1n - pool.network + blockSize - 1n) / blockSize) * blockSize;
  }
  return undefined;
}

export interface PickSubnetOptions {
  /** Subnets of existing networks (any family; others are ignored). */
  used: readonly string[];
  /** Host routes and addresses (CIDRs or bare addresses) a new subnet must not overlap. */
  avoid?: readonly string[];
  /** Which family to pick; pools of the other family are skipped. Default 4. */
  family?: IpFamily;
}

/**
 * The first subnet of the pools' sequence that overlaps no used subnet and no avoided range.
 * Throws EngineError 'system' / 'pool-exhausted' with Docker's message when there is none.
 */
export function pickSubnet(pools: readonly AddressPool[], options: PickSubnetOptions): string {
  const family = options.family ?? 4;
  const taken = mergedRanges([...options.used, ...(options.avoid ?? [])], family);
  for (const pool of pools) {
    const base = tryParseCidr(pool.base);
    // Unvalidated pools are skipped rather than trusted: a size outside the base would misalign the walk.
    if (base === undefined || base.family !== family) continue;
    if (!Number.isInteger(pool.size) || pool.size < base.prefixLength || pool.size > addressBits(family)) continue;
    const block = firstFreeBlock(base, pool.size, taken);
    if (block !== undefined) return formatCidr(block);
  }
  throw new EngineError(
    'system',
    'pool-exhausted',
    `could not find an available, non-overlapping IPv${family} address pool among the defaults to assign to the network`,
    { hint: 'remove unused networks (docker network prune) or configure more default-address-pools' },
  );
}
