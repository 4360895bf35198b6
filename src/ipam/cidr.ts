/**
 * CIDR blocks as (family, network, prefixLength) with bigint arithmetic.
 *
 * Host bits are cleared on parse: "10.99.0.5/24" becomes 10.99.0.0/24. Docker 20.10 does the same
 * internally (Go's net.ParseCIDR masks) and only echoes the raw text back in inspect; conet stores
 * and shows the normalised form, so the subnet it shows is the one it actually uses.
 *
 * Subnets of /31 and /32 (IPv6: /127 and /128) reserve nothing: both addresses of a /31 are hosts
 * (RFC 3021, RFC 6164), so they have no network, broadcast or default gateway address.
 */
import { invalid } from '../errors/engine-error.js';
import {
  addressBits,
  showInput,
  toAddress,
  tryParseAddress,
  formatAddress,
  type AddressInput,
  type IpAddress,
  type IpFamily,
} from './address.js';

export interface Cidr {
  readonly family: IpFamily;
  /** The first address, host bits cleared. */
  readonly network: bigint;
  readonly prefixLength: number;
}

export type CidrInput = Cidr | string;

const PREFIX_LENGTH = /^(0|[1-9][0-9]{0,2})$/;

// Precomputed because parsing runs for every existing subnet on every pick (see pools.ts).
const HOST_MASKS: Readonly<Record<IpFamily, readonly bigint[]>> = {
  4: Array.from({ length: 33 }, (_, prefix) => (1n << BigInt(32 - prefix)) - 1n),
  6: Array.from({ length: 129 }, (_, prefix) => (1n << BigInt(128 - prefix)) - 1n),
};

function hostMask(family: IpFamily, prefixLength: number): bigint {
  return HOST_MASKS[family][prefixLength] as bigint;
}

/** Parses "address/prefix" of either family; undefined when it is not one. */
export function tryParseCidr(text: unknown): Cidr | undefined {
  if (typeof text !== 'string') return undefined;
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const addressText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const address = tryParseAddress(addressText);
  if (address === undefined || !PREFIX_LENGTH.test(prefixText)) return undefined;
  const prefixLength = Number(prefixText);
  if (prefixLength > addressBits(address.family)) return undefined;
  return { family: address.family, network: address.value & ~hostMask(address.family, prefixLength), prefixLength };
}

/** Parses a CIDR and clears its host bits; throws EngineError 'invalid' quoting the value (as Go does). */
export function parseCidr(text: unknown): Cidr {
  const cidr = tryParseCidr(text);
  if (cidr === undefined) throw invalid('invalid-cidr', `invalid CIDR address: ${showInput(text, { quote: false })}`);
  return cidr;
}

export function toCidr(input: CidrInput): Cidr {
  return typeof input === 'string' ? parseCidr(input) : input;
}

export function formatCidr(cidr: Cidr): string {
  return `${formatAddress({ family: cidr.family, value: cidr.network })}/${cidr.prefixLength}`;
}

/** Canonical text of a CIDR: "10.99.0.5/24" -> "10.99.0.0/24", "FD00:0::/64" -> "fd00::/64". */
export function normalizeCidr(text: string): string {
  return formatCidr(parseCidr(text));
}

export function cidrFamily(input: CidrInput): IpFamily {
  return toCidr(input).family;
}

export function prefixLengthOf(input: CidrInput): number {
  return toCidr(input).prefixLength;
}

export function addressCount(input: CidrInput): bigint {
  const cidr = toCidr(input);
  return 1n << BigInt(addressBits(cidr.family) - cidr.prefixLength);
}

/** The last address value of the block (the broadcast address for IPv4 subnets of /30 and larger). */
export function lastValue(input: CidrInput): bigint {
  const cidr = toCidr(input);
  return cidr.network | hostMask(cidr.family, cidr.prefixLength);
}

export function networkAddress(input: CidrInput): IpAddress {
  const cidr = toCidr(input);
  return { family: cidr.family, value: cidr.network };
}

export function lastAddress(input: CidrInput): IpAddress {
  const cidr = toCidr(input);
  return { family: cidr.family, value: lastValue(cidr) };
}

/** false for /31, /32, /127, /128: every address of those is a host (see the note at the top). */
export function reservesNetworkAddress(input: CidrInput): boolean {
  const cidr = toCidr(input);
  return cidr.prefixLength <= addressBits(cidr.family) - 2;
}

/** IPv4 broadcast address; undefined for IPv6 (no broadcast) and for /31 and /32. */
export function broadcastAddress(input: CidrInput): IpAddress | undefined {
  const cidr = toCidr(input);
  if (cidr.family !== 4 || !reservesNetworkAddress(cidr)) return undefined;
  return lastAddress(cidr);
}

/** Address values never handed to hosts: the network address, and the broadcast address on IPv4. */
export function reservedValues(input: CidrInput): bigint[] {
  const cidr = toCidr(input);
  if (!reservesNetworkAddress(cidr)) return [];
  return cidr.family === 4 ? [cidr.network, lastValue(cidr)] : [cidr.network];
}

export function firstUsableAddress(input: CidrInput): IpAddress {
  const cidr = toCidr(input);
  return { family: cidr.family, value: cidr.network + (reservesNetworkAddress(cidr) ? 1n : 0n) };
}

export function lastUsableAddress(input: CidrInput): IpAddress {
  const cidr = toCidr(input);
  const broadcast = broadcastAddress(cidr);
  return { family: cidr.family, value: broadcast === undefined ? lastValue(cidr) : broadcast.value - 1n };
}

/** The index-th address of the block counting from the network address (0). Throws RangeError past the end. */
export function nthAddress(input: CidrInput, index: bigint | number): IpAddress {
  const cidr = toCidr(input);
  const offset = BigInt(index);
  if (offset < 0n || offset >= addressCount(cidr)) {
    throw new RangeError(`address index ${offset} is outside ${formatCidr(cidr)}`);
  }
  return { family: cidr.family, value: cidr.network + offset };
}

/** Whether the address lies in the block; false (not an error) when the families differ. */
export function contains(cidrInput: CidrInput, addressInput: AddressInput): boolean {
  const cidr = toCidr(cidrInput);
  const address = toAddress(addressInput);
  return address.family === cidr.family && address.value >= cidr.network && address.value <= lastValue(cidr);
}

/** Whether inner lies wholly inside outer (equal blocks count). */
export function containsCidr(outerInput: CidrInput, innerInput: CidrInput): boolean {
  const outer = toCidr(outerInput);
  const inner = toCidr(innerInput);
  return outer.family === inner.family && inner.prefixLength >= outer.prefixLength && contains(outer, networkAddress(inner));
}

/** Whether two blocks share any address. Aligned blocks overlap exactly when one contains the other. */
export function overlaps(a: CidrInput, b: CidrInput): boolean {
  return containsCidr(a, b) || containsCidr(b, a);
}
