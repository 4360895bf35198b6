/**
 * Applies the field table (create-fields.ts) to a request body: the first refused field set to a
 * value other than "not asked for" is a 400 naming it and its CLI flag; ignored-as-docker fields
 * that Docker warns about give their warning. Runs before anything is created.
 */
import { invalid } from '../../errors/index.js';
import { isZero, type FieldRule } from './create-fields.js';

interface Found {
  /** The concrete path, one key per segment, `*` replaced by the key found there. */
  keys: string[];
  value: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every value at `path` in `body` (several when the path has a `*`); absent ones are skipped. */
export function valuesAt(body: unknown, path: string): Found[] {
  let found: Found[] = [{ keys: [], value: body }];
  for (const segment of path.split('.')) {
    const next: Found[] = [];
    for (const { keys: at, value } of found) {
      if (!isRecord(value)) continue;
      const keys = segment === '*' ? Object.keys(value) : Object.hasOwn(value, segment) ? [segment] : [];
      for (const key of keys) next.push({ keys: [...at, key], value: value[key] });
    }
    found = next;
  }
  return found;
}

export function isNotAskedFor(rule: FieldRule, value: unknown): boolean {
  if (rule.nullOnly) return value === null || value === undefined;
  return isZero(value) || (rule.accepts?.(value) ?? false);
}

/** A key from the request (a network name) is quoted in the message, and cut short. */
const named = (keys: readonly string[], rule: FieldRule): string =>
  rule.path.split('.').map((segment, index) => (segment === '*' ? JSON.stringify((keys[index] ?? '').slice(0, 64)) : segment)).join('.');

export function refusal(rule: FieldRule, keys: readonly string[]): Error {
  const flag = rule.flag ? ` (${rule.flag})` : '';
  return invalid('unsupported-option', `conet does not support ${named(keys, rule)}${flag} yet`);
}

/** Throws the 400 for the first refused field that is set; returns Docker's warnings for dropped ones. */
export function checkFields(body: unknown, rules: readonly FieldRule[]): string[] {
  const warnings: string[] = [];
  for (const rule of rules) {
    if (rule.class === 'applied') continue;
    for (const { keys, value } of valuesAt(body, rule.path)) {
      if (isNotAskedFor(rule, value)) continue;
      if (rule.class === 'refused') throw refusal(rule, keys);
      if (rule.warning) warnings.push(rule.warning);
    }
  }
  return warnings;
}
