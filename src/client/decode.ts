/**
 * The daemon's answers decoded into the client's types before use: a field of the wrong type is a
 * DaemonAnswerError naming it, never an undefined that shows up later in a table.
 */
import { DaemonAnswerError } from './errors.js';

export type Json = Record<string, unknown>;

export function asObject(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new DaemonAnswerError(`${what}: expected an object`);
  return value as Json;
}

export function asArray(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new DaemonAnswerError(`${what}: expected an array`);
  return value;
}

export function str(object: Json, key: string, what: string): string {
  const value = object[key];
  if (typeof value !== 'string') throw new DaemonAnswerError(`${what}.${key}: expected a string`);
  return value;
}

export function optStr(object: Json, key: string, what: string): string {
  const value = object[key];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new DaemonAnswerError(`${what}.${key}: expected a string`);
  return value;
}

export function num(object: Json, key: string, what: string): number {
  const value = object[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new DaemonAnswerError(`${what}.${key}: expected a number`);
  return value;
}

export function optNum(object: Json, key: string, what: string): number | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  return num(object, key, what);
}

export function bool(object: Json, key: string, what: string): boolean {
  const value = object[key];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw new DaemonAnswerError(`${what}.${key}: expected a boolean`);
  return value;
}

export function stringList(object: Json, key: string, what: string): string[] {
  const value = object[key];
  if (value === undefined || value === null) return [];
  return asArray(value, `${what}.${key}`).map((item, index) => {
    if (typeof item !== 'string') throw new DaemonAnswerError(`${what}.${key}[${index}]: expected a string`);
    return item;
  });
}
