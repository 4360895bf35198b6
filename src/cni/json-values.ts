/**
 * Small typed readers over a parsed JSON object for the CNI decoders: each wrong type is the
 * error code its caller names (7 for a network configuration, 2 for a field conet doesn't take).
 */
import { parseInterfaceAddress, parseIpAddress, parseMac } from '../util/kernel-values.js';
import { CNI_CODES, cniError } from './cni-error.js';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function shown(value: unknown): string {
  return JSON.stringify(value)?.slice(0, 80) ?? String(value);
}

export function bad(field: string, value: unknown, expected: string): Error {
  return cniError(CNI_CODES.invalidConfig, `invalid ${field} ${shown(value)}: expected ${expected}`);
}

export function optionalString(object: JsonObject, field: string): string | undefined {
  const value = object[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw bad(field, value, 'a string');
  return value;
}

export function optionalBool(object: JsonObject, field: string): boolean | undefined {
  const value = object[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw bad(field, value, 'true or false');
  return value;
}

export function integerIn(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw bad(field, value, `an integer from ${min} to ${max}`);
  return value;
}

/** An address (no prefix) checked by the kernel-values parser. */
export function ipAddress(value: unknown, field: string): string {
  if (typeof value !== 'string') throw bad(field, value, 'an IP address');
  try {
    return parseIpAddress(value);
  } catch {
    throw bad(field, value, 'an IP address');
  }
}

/** "ADDR/LEN" (an interface address or a subnet). */
export function cidr(value: unknown, field: string): string {
  if (typeof value !== 'string' || !value.includes('/')) throw bad(field, value, 'an address with a prefix length');
  try {
    return parseInterfaceAddress(value);
  } catch {
    throw bad(field, value, 'an address with a prefix length');
  }
}

export function macAddress(value: unknown, field: string): string {
  if (typeof value !== 'string') throw bad(field, value, 'a MAC address');
  try {
    return parseMac(value);
  } catch {
    throw bad(field, value, 'a MAC address');
  }
}
