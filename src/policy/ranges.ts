/**
 * Address blocks as inclusive ranges of integers, and a block minus its `except` blocks as a list
 * of ranges: nft interval sets take ranges (`10.0.0.0-10.65.255.255`), so an ipBlock with except
 * stays a handful of set elements, not rules.
 */
import ipaddr from 'ipaddr.js';

export interface AddressRange {
  family: 4 | 6;
  start: bigint;
  end: bigint;
}

function toBigint(bytes: number[]): bigint {
  return bytes.reduce((value, byte) => (value << 8n) | BigInt(byte), 0n);
}

export function blockRange(cidr: string): AddressRange {
  const [address, prefix] = ipaddr.parseCIDR(cidr);
  const bits = address.kind() === 'ipv4' ? 32 : 128;
  const start = toBigint(address.toByteArray()) & ~((1n << BigInt(bits - prefix)) - 1n);
  return { family: bits === 32 ? 4 : 6, start, end: start + (1n << BigInt(bits - prefix)) - 1n };
}

/** `cidr` minus every `except` block, in ascending order. */
export function blockMinus(cidr: string, except: readonly string[]): AddressRange[] {
  const outer = blockRange(cidr);
  const holes = except.map(blockRange).sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const result: AddressRange[] = [];
  let next = outer.start;
  for (const hole of holes) {
    if (hole.start > next) result.push({ family: outer.family, start: next, end: hole.start - 1n });
    if (hole.end + 1n > next) next = hole.end + 1n;
  }
  if (next <= outer.end) result.push({ family: outer.family, start: next, end: outer.end });
  return result;
}

function fromBigint(value: bigint, family: 4 | 6): string {
  const length = family === 4 ? 4 : 16;
  const bytes = Array.from({ length }, (_, i) => Number((value >> BigInt(8 * (length - 1 - i))) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

/** nft text of a range: "10.0.0.0-10.65.255.255", a single address when start = end. */
export function rangeText(range: AddressRange): string {
  const start = fromBigint(range.start, range.family);
  return range.start === range.end ? start : `${start}-${fromBigint(range.end, range.family)}`;
}
