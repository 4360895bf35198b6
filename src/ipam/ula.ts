/**
 * conet's default IPv6 pool: a Unique Local Address /48 (RFC 4193: fd00::/8 + a random 40-bit
 * global id) cut into /64s. Docker 20.10 has no IPv6 default pool (`--ipv6` without `--subnet`
 * fails); a random /48 per daemon keeps two hosts' ULAs apart, and storing the id keeps a
 * daemon's networks stable across restarts.
 */
import { randomBytes } from 'node:crypto';
import type { AddressPool } from './pools.js';
import { invalid } from '../errors/index.js';

/** 10 hex digits (40 bits), the RFC 4193 global id. */
export function newUlaGlobalId(): string {
  return randomBytes(5).toString('hex');
}

export function isUlaGlobalId(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{10}$/.test(value);
}

/** fd<global id>::/48 as /64s. */
export function ulaPool(globalId: string): AddressPool {
  if (!isUlaGlobalId(globalId)) throw invalid('ula-global-id', `invalid ULA global id ${JSON.stringify(globalId)}`);
  return { base: `fd${globalId.slice(0, 2)}:${globalId.slice(2, 6)}:${globalId.slice(6, 10)}::/48`, size: 64 };
}

/**
 * The pools networks are cut from: the configured ones, plus the ULA pool when none of them is
 * IPv6 (an IPv6 entry in default-address-pools replaces conet's ULA, as it replaces the v4 list).
 */
export function withDefaultIpv6Pool(pools: readonly AddressPool[], ula: AddressPool): AddressPool[] {
  return pools.some((pool) => pool.base.includes(':')) ? [...pools] : [...pools, ula];
}
