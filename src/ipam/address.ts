/**
 * IP addresses as (family, bigint) pairs, so IPv4 and IPv6 share one arithmetic.
 *
 * The parsers are hand-written rather than ipaddr.js because ipaddr.js accepts forms Docker (Go's
 * net.ParseIP) rejects: "10.99.0" (three parts), "0x0a.0.0.1" (hex) and "010.0.0.1" (octal in
 * inet_aton, decimal elsewhere: ambiguous, so refused here), and IPv6 zone indexes ("fe80::1%eth0").
 */
import { invalid } from '../errors/engine-error.js';

export type IpFamily = 4 | 6;

export interface IpAddress {
  readonly family: IpFamily;
  readonly value: bigint;
}

/** Addresses may be given parsed or as text; text is parsed (and may throw) on use. */
export type AddressInput = IpAddress | string;

export function addressBits(family: IpFamily): 32 | 128 {
  return family === 4 ? 32 : 128;
}

const SHOWN_INPUT_LIMIT = 64;

/**
 * User input as it appears in an error message: bounded in length and with control characters
 * escaped, so a hostile value can neither flood a log nor forge a log line.
 */
export function showInput(value: unknown, options: { quote?: boolean } = {}): string {
  if (typeof value !== 'string') return JSON.stringify(value) ?? String(value);
  const bounded = value.length > SHOWN_INPUT_LIMIT ? `${value.slice(0, SHOWN_INPUT_LIMIT)}...` : value;
  const quoted = JSON.stringify(bounded);
  return options.quote === false ? quoted.slice(1, -1) : quoted;
}

const HEXTET = /^[0-9A-Fa-f]{1,4}$/;
const IPV6_CHARACTERS = /^[0-9A-Fa-f:.]{2,45}$/;
const DOT = 46;
const DIGIT_0 = 48;
const DIGIT_9 = 57;

/**
 * Exactly four decimal octets without leading zeros. A character scan rather than split + regex:
 * picking a subnet parses every existing network's subnet, so this runs thousands of times a pick.
 */
function parseIpv4(text: string): bigint | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let parts = 0;
  for (let index = 0; index <= text.length; index += 1) {
    const code = index < text.length ? text.charCodeAt(index) : DOT;
    if (code === DOT) {
      if (digits === 0 || octet > 255) return undefined;
      value = value * 256 + octet;
      parts += 1;
      octet = 0;
      digits = 0;
    } else if (code >= DIGIT_0 && code <= DIGIT_9) {
      if (digits === 3 || (digits > 0 && octet === 0)) return undefined;
      octet = octet * 10 + (code - DIGIT_0);
      digits += 1;
    } else {
      return undefined;
    }
  }
  return parts === 4 ? BigInt(value) : undefined;
}

function parseHextets(text: string): number[] | undefined {
  if (text === '') return [];
  const groups = text.split(':');
  if (!groups.every((group) => HEXTET.test(group))) return undefined;
  return groups.map((group) => parseInt(group, 16));
}

function parseIpv6(text: string): bigint | undefined {
  if (!IPV6_CHARACTERS.test(text)) return undefined;
  let hextetText = text;
  let embeddedIpv4 = 0n;
  if (text.includes('.')) {
    // A dotted quad may only end the address ("::ffff:10.0.0.1"); it stands for the last two groups.
    const lastColon = text.lastIndexOf(':');
    const ipv4 = parseIpv4(text.slice(lastColon + 1));
    if (lastColon < 0 || ipv4 === undefined) return undefined;
    embeddedIpv4 = ipv4;
    hextetText = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = hextetText.split('::');
  if (halves.length > 2) return undefined;
  const head = parseHextets(halves[0] ?? '');
  const tail = halves.length === 2 ? parseHextets(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  // "::" must stand for at least one group; without "::" all eight must be present.
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  let value = 0n;
  for (const group of groups) value = (value << 16n) | BigInt(group);
  return value | embeddedIpv4;
}

/** Parses an address of either family; undefined when it is not one. */
export function tryParseAddress(text: unknown): IpAddress | undefined {
  if (typeof text !== 'string') return undefined;
  if (!text.includes(':')) {
    const value = parseIpv4(text);
    return value === undefined ? undefined : { family: 4, value };
  }
  const value = parseIpv6(text);
  return value === undefined ? undefined : { family: 6, value };
}

/** Parses an address of either family; throws EngineError 'invalid' quoting the value. */
export function parseAddress(text: unknown): IpAddress {
  const address = tryParseAddress(text);
  if (address === undefined) throw invalid('invalid-address', `invalid IP address: ${showInput(text)}`);
  return address;
}

export function toAddress(input: AddressInput): IpAddress {
  return typeof input === 'string' ? parseAddress(input) : input;
}

function formatIpv4(value: bigint): string {
  const number = Number(value);
  return [number >>> 24, (number >>> 16) & 255, (number >>> 8) & 255, number & 255].join('.');
}

/** RFC 5952 text: lowercase, no leading zeros, the longest run (two or more) of zero groups as "::". */
function formatIpv6(value: bigint): string {
  if (value >> 32n === 0xffffn) return `::ffff:${formatIpv4(value & 0xffffffffn)}`;
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; ) {
    let end = start;
    while (end < 8 && groups[end] === 0) end += 1;
    if (end - start > bestLength) [bestStart, bestLength] = [start, end - start];
    start = end === start ? start + 1 : end;
  }
  const hex = (part: number[]): string => part.map((group) => group.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

export function formatAddress(address: IpAddress): string {
  return address.family === 4 ? formatIpv4(address.value) : formatIpv6(address.value);
}

/** Canonical text of an address ("FD00:0::01" -> "fd00::1"); throws like parseAddress. */
export function normalizeAddress(text: string): string {
  return formatAddress(parseAddress(text));
}

export function sameAddress(a: AddressInput, b: AddressInput): boolean {
  const left = toAddress(a);
  const right = toAddress(b);
  return left.family === right.family && left.value === right.value;
}
