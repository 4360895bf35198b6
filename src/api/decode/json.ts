/**
 * Type checks for decoding Docker's JSON bodies: each names the field it refuses (a 400), and
 * treats null and absent alike, as Go's decoder does.
 */
import { invalid } from '../../errors/index.js';

export type Json = Record<string, unknown>;

export const object = (value: unknown, field: string): Json => {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('request', `${field} must be an object`);
  return value as Json;
};

export const string = (value: unknown, field: string): string => {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw invalid('request', `${field} must be a string`);
  return value;
};

export const bool = (value: unknown, field: string): boolean => {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw invalid('request', `${field} must be a boolean`);
  return value;
};

export const strings = (value: unknown, field: string): string[] => {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw invalid('request', `${field} must be an array of strings`);
  return value as string[];
};

/** Cmd and Entrypoint: null, a list, or (old clients) a single string. */
export const command = (value: unknown, field: string): string[] | null => {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return [value];
  const list = strings(value, field);
  return list.length === 0 ? null : list;
};

export const stringMap = (value: unknown, field: string): Record<string, string> => {
  const raw = object(value, field);
  for (const [key, item] of Object.entries(raw)) if (typeof item !== 'string') throw invalid('request', `${field}.${key} must be a string`);
  return raw as Record<string, string>;
};
