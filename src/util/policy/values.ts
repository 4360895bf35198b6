/**
 * Checks of the values inside a policy (issue 13): label keys and values, DNS names and
 * "*.domain" patterns, CIDR blocks, ports and protocols. Each refusal is a 400 whose message starts
 * with the field it refuses (`spec.ingress[0].from[1].ipBlock.cidr: …`). Pure; shared by the
 * NetworkPolicy decoder and the `conet.*` label shortcuts.
 */
import ipaddr from 'ipaddr.js';
import { invalid, type EngineError } from '../../errors/index.js';
import type { PolicyProtocol } from '../../model/policy.js';

export const bad = (field: string, message: string): EngineError => invalid('invalid-policy', `${field}: ${message}`);

const quote = (value: string): string => JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);

const LABEL_KEY = /^[A-Za-z0-9](?:[A-Za-z0-9._/-]{0,251}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^[^\u0000-\u001f\u007f]{0,256}$/u;

export function labelKey(value: unknown, field: string): string {
  if (typeof value !== 'string') throw bad(field, 'must be a string');
  if (!LABEL_KEY.test(value)) throw bad(field, `invalid label key ${quote(value)} (letters, digits, '.', '_', '-', '/', at most 253)`);
  return value;
}

export function labelValue(value: unknown, field: string): string {
  if (typeof value !== 'string') throw bad(field, 'must be a string');
  if (!LABEL_VALUE.test(value)) throw bad(field, `invalid label value ${quote(value)}`);
  return value;
}

const DNS_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

function isDnsName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((label) => DNS_LABEL.test(label));
}

/** An exact DNS name, lower-cased, without its final dot. */
export function dnsName(value: unknown, field: string): string {
  if (typeof value !== 'string') throw bad(field, 'must be a string');
  const name = value.toLowerCase().replace(/\.$/, '');
  if (!isDnsName(name) || !/[a-z_]/.test(name.split('.').at(-1) ?? '')) throw bad(field, `invalid DNS name ${quote(value)}`);
  return name;
}

/** "*.example.com": one or more labels below the domain. Only a leading "*." is a wildcard. */
export function dnsPattern(value: unknown, field: string): string {
  if (typeof value !== 'string') throw bad(field, 'must be a string');
  if (!value.startsWith('*.')) {
    throw bad(field, `invalid pattern ${quote(value)}: only a leading "*." is supported (e.g. "*.example.com")`);
  }
  const domain = value.slice(2);
  if (domain.includes('*')) throw bad(field, `invalid pattern ${quote(value)}: only a leading "*." is supported`);
  return `*.${dnsName(domain, field)}`;
}

type Address = ipaddr.IPv4 | ipaddr.IPv6;

const V4_CIDR = /^\d{1,3}(?:\.\d{1,3}){3}\/\d{1,2}$/;
const V6_CIDR = /^[0-9A-Fa-f:.]{2,45}\/\d{1,3}$/;

/** A CIDR block, canonical: host bits cleared ("10.1.2.3/8" -> "10.0.0.0/8"). */
export function parseBlock(value: unknown, field: string): { text: string; family: 4 | 6 } {
  if (typeof value !== 'string') throw bad(field, 'must be a string');
  const v4 = V4_CIDR.test(value) && ipaddr.IPv4.isValidCIDR(value);
  const v6 = !v4 && V6_CIDR.test(value) && ipaddr.IPv6.isValidCIDR(value);
  if (!v4 && !v6) throw bad(field, `invalid CIDR ${quote(value)}`);
  const prefix = ipaddr.parseCIDR(value)[1];
  const network: Address = v4 ? ipaddr.IPv4.networkAddressFromCIDR(value) : ipaddr.IPv6.networkAddressFromCIDR(value);
  return { text: `${network.toString()}/${prefix}`, family: v4 ? 4 : 6 };
}

export function cidr(value: unknown, field: string): string {
  return parseBlock(value, field).text;
}

/** A bare address ("10.1.2.3", "fd00::1") as a host block ("10.1.2.3/32"), or undefined. */
export function addressAsBlock(value: string): string | undefined {
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(value) && ipaddr.IPv4.isValidFourPartDecimal(value)) return `${ipaddr.IPv4.parse(value).toString()}/32`;
  if (value.includes(':') && /^[0-9A-Fa-f:.]{2,45}$/.test(value) && ipaddr.IPv6.isValid(value)) return `${ipaddr.IPv6.parse(value).toString()}/128`;
  return undefined;
}

/** Whether block `inner` lies inside block `outer` (same family). */
export function blockInside(inner: string, outer: string): boolean {
  const a = ipaddr.parseCIDR(inner);
  const b = ipaddr.parseCIDR(outer);
  return a[0].kind() === b[0].kind() && a[1] >= b[1] && a[0].match(b);
}

const PROTOCOLS: Record<string, PolicyProtocol> = { TCP: 'tcp', UDP: 'udp', SCTP: 'sctp' };

/** Kubernetes spells protocols upper-case; the label shortcuts lower-case. Absent: TCP. */
export function protocol(value: unknown, field: string): PolicyProtocol {
  if (value === undefined || value === null) return 'tcp';
  const found = typeof value === 'string' ? PROTOCOLS[value.toUpperCase()] : undefined;
  if (found === undefined) throw bad(field, `unsupported protocol ${quote(String(value))} (TCP, UDP or SCTP)`);
  return found;
}

export function portNumber(value: unknown, field: string): number {
  if (typeof value === 'string' && !/^\d{1,6}$/.test(value)) {
    throw bad(field, `named ports are not supported (${quote(value)}); give a number`);
  }
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number)) throw bad(field, 'must be an integer');
  if (number < 1 || number > 65535) throw bad(field, `port ${number} out of range (1-65535)`);
  return number;
}
