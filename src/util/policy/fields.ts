/**
 * Shape checks for a decoded policy document: objects, lists and the fields they may hold. An
 * unknown field is refused by name (a typo such as `podSelecter` would otherwise widen a policy).
 */
import { bad } from './values.js';

export type Obj = Record<string, unknown>;

export function obj(value: unknown, field: string): Obj {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw bad(field, 'must be an object');
  return value as Obj;
}

export function list(value: unknown, field: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw bad(field, 'must be a list');
  if (value.length > 1000) throw bad(field, 'at most 1000 entries');
  return value;
}

/** Refuses fields other than `known`; `special` maps a field to its own refusal message. */
export function onlyFields(value: Obj, field: string, known: readonly string[], special: Record<string, string> = {}): void {
  for (const key of Object.keys(value)) {
    const message = special[key];
    if (message !== undefined) throw bad(field === '' ? key : `${field}.${key}`, message);
    if (!known.includes(key)) throw bad(field === '' ? key : `${field}.${key}`, 'unknown field');
  }
}
