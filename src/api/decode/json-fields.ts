/**
 * Typed reads of one field of a decoded JSON body, each a 400 naming the field when the type is
 * wrong. JSON null and an absent field both mean "not given" (Docker's Go decoder reads them alike).
 */
import { invalid } from '../../errors/index.js';

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function stringField(value: unknown, field: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw invalid('request', `${field} must be a string`);
  return value;
}

export function boolField(value: unknown, field: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw invalid('request', `${field} must be a boolean`);
  return value;
}

export function stringMapField(value: unknown, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw invalid('request', `${field} must be an object of strings`);
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') throw invalid('request', `${field}.${key} must be a string`);
  }
  // fromEntries, not assignment: a key "__proto__" stays a key instead of setting the prototype.
  return Object.fromEntries(Object.entries(value)) as Record<string, string>;
}
