/**
 * Typed values for everything that reaches the kernel adapters (ip batches, argv). Each type is a
 * branded string that only its parser makes: a MAC is parsed into six bytes and rendered back, an
 * address into an address (ipaddr.js) and printed canonically, an interface name checked against
 * the kernel's rules. The kernel ports take these types, so a raw request string can't be passed
 * to a renderer by accident: the compiler refuses it. (moby does the same with net.ParseMAC and
 * net.ParseIP; netavark with typed options.)
 */
import ipaddr from 'ipaddr.js';
import { invalid } from '../errors/index.js';

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** Six bytes, rendered lower-case and colon-separated ("02:42:ac:11:00:02"). */
export type MacAddress = Brand<string, 'MacAddress'>;
/** A Linux interface name (1-15 bytes) that no script can read as syntax. */
export type InterfaceName = Brand<string, 'InterfaceName'>;
/** An address with prefix length ("172.18.0.2/16", "fd00::2/64"), printed canonically. */
export type InterfaceAddress = Brand<string, 'InterfaceAddress'>;
/** An IPv4 or IPv6 address without prefix, printed canonically. */
export type IpAddressText = Brand<string, 'IpAddressText'>;
/** The name of a network namespace under /run/netns. */
export type NetnsName = Brand<string, 'NetnsName'>;

const MAX_SHOWN = 64;

function shown(text: string): string {
  return JSON.stringify(text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}...` : text);
}

const MAC = /^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}$/;

/** The six bytes of a MAC address; throws on anything else. */
export function macBytes(text: string): Uint8Array {
  if (!MAC.test(text)) throw invalid('invalid-mac-address', `invalid MAC address: ${shown(text)}`);
  return Uint8Array.from(text.split(':').map((part) => Number.parseInt(part, 16)));
}

export function renderMac(bytes: Uint8Array): MacAddress {
  if (bytes.length !== 6) throw invalid('invalid-mac-address', `a MAC address has 6 bytes, not ${bytes.length}`);
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join(':') as MacAddress;
}

export function parseMac(text: string): MacAddress {
  return renderMac(macBytes(text));
}

/**
 * The kernel (dev_valid_name) takes 1-15 bytes except '/', ':' and whitespace, and not "." or
 * "..". We take the subset that no tool reads as syntax: ip's batch tokenizer (quotes, '#',
 * backslash), nft (wildcard '*'), and shells.
 */
const INTERFACE_NAME = /^[A-Za-z0-9_.-]{1,15}$/;

export function parseInterfaceName(text: string): InterfaceName {
  if (!INTERFACE_NAME.test(text) || text === '.' || text === '..') {
    throw invalid('invalid-interface-name', `invalid interface name ${shown(text)}: use 1-15 characters of [A-Za-z0-9_.-]`);
  }
  return text as InterfaceName;
}

/** Namespace names are file names under /run/netns: the same safe alphabet, up to 64 characters. */
const NETNS_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export function parseNetnsName(text: string): NetnsName {
  if (!NETNS_NAME.test(text) || text === '.' || text === '..') {
    throw invalid('invalid-netns-name', `invalid network namespace name ${shown(text)}`);
  }
  return text as NetnsName;
}

/** Strict dotted-quad or IPv6 without zone; ipaddr.js alone would also take "10.1" or hex parts. */
const IPV4_TEXT = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6_TEXT = /^[0-9A-Fa-f:.]{2,45}$/;

function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (IPV4_TEXT.test(text)) return ipaddr.IPv4.parse(text);
  if (IPV6_TEXT.test(text) && text.includes(':') && ipaddr.IPv6.isValid(text)) return ipaddr.IPv6.parse(text);
  return undefined;
}

export function parseIpAddress(text: string): IpAddressText {
  const address = parseAddress(text);
  if (!address) throw invalid('invalid-ip-address', `invalid IP address ${shown(text)}`);
  return address.toString() as IpAddressText;
}

/** "address/prefix" with host bits allowed (an interface's own address), canonical on output. */
export function parseInterfaceAddress(text: string): InterfaceAddress {
  const slash = text.indexOf('/');
  const address = slash > 0 ? parseAddress(text.slice(0, slash)) : undefined;
  const prefixText = slash > 0 ? text.slice(slash + 1) : '';
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!address || !(prefix >= 0 && prefix <= (address.kind() === 'ipv4' ? 32 : 128))) {
    throw invalid('invalid-interface-address', `invalid address with prefix length ${shown(text)}`);
  }
  return `${address.toString()}/${prefix}` as InterfaceAddress;
}

export function isIpv6(value: IpAddressText | InterfaceAddress): boolean {
  return value.includes(':');
}
