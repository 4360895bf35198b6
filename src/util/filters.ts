/**
 * Docker's `filters` query parameter: JSON of {key: {value: true}} (current) or {key: [values]}
 * (old clients), decoded to key -> values and checked against the keys an endpoint accepts.
 */
import { invalid } from '../errors/index.js';
import { parseBool } from './bool.js';
import { parseGoDuration } from './go-duration.js';
import { PatternSet } from './go-pattern.js';

export { parseBool };

export type Filters = ReadonlyMap<string, readonly string[]>;

export function parseFilters(raw: string | null | undefined, allowed: readonly string[]): Filters {
  const result = new Map<string, string[]>();
  if (raw === null || raw === undefined || raw.trim() === '') return result;
  let decoded: unknown;
  try {
    decoded = JSON.parse(raw);
  } catch {
    throw invalid('filters', `invalid filter: ${JSON.stringify(raw)} is not valid JSON`);
  }
  if (decoded === null || typeof decoded !== 'object' || Array.isArray(decoded)) {
    throw invalid('filters', 'invalid filter: expected a JSON object');
  }
  for (const [key, value] of Object.entries(decoded as Record<string, unknown>)) {
    if (!allowed.includes(key)) throw invalid('filters', `invalid filter '${key}'`);
    const values = Array.isArray(value) ? value : value && typeof value === 'object' ? Object.keys(value) : null;
    if (!values || values.some((item) => typeof item !== 'string')) {
      throw invalid('filters', `invalid filter '${key}': values must be strings`);
    }
    result.set(key, values as string[]);
  }
  return result;
}

/** Compiled once per request: the values array is the key, so a list compiles each pattern once. */
const compiled = new WeakMap<readonly string[], PatternSet>();

/**
 * Go's filters.Match: a value equal to source matches, else any value read as a Go regular
 * expression (RE2, linear time) that matches somewhere in source. A value that doesn't compile,
 * or is over the size caps of go-pattern.ts, matches only itself; a filter that takes too long
 * over a long list is a 400.
 */
export function matchesAny(filters: Filters, key: string, source: string): boolean {
  const values = filters.get(key);
  if (!values || values.length === 0) return true;
  let patterns = compiled.get(values);
  if (!patterns) {
    patterns = new PatternSet(key, values);
    compiled.set(values, patterns);
  }
  return patterns.matches(source);
}

export function exactAny(filters: Filters, key: string, source: string): boolean {
  const values = filters.get(key);
  return !values || values.length === 0 || values.includes(source);
}

/** `label=key` or `label=key=value`; every given label must match (Docker's MatchKVList). */
export function matchesLabels(filters: Filters, key: string, labels: Record<string, string>): boolean {
  const values = filters.get(key);
  if (!values || values.length === 0) return true;
  return values.every((term) => {
    const at = term.indexOf('=');
    if (at < 0) return Object.hasOwn(labels, term);
    const name = term.slice(0, at);
    return Object.hasOwn(labels, name) && labels[name] === term.slice(at + 1);
  });
}


/**
 * `until` as Docker takes it: a Unix timestamp (with optional fraction), an RFC 3339 date, or a
 * Go duration before now ("10m", "1h30m").
 */
export function parseUntil(value: string, now: number = Date.now()): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const duration = /^((\d+(\.\d+)?)(ns|us|µs|ms|s|m|h))+$/.test(value) ? parseGoDuration(value, 'until') / 1e6 : undefined;
  if (duration !== undefined) return now - duration;
  const date = Date.parse(value);
  if (!Number.isNaN(date) && /^\d{4}-\d{2}-\d{2}/.test(value)) return date;
  throw invalid('filters', `invalid filter 'until=${value}': expected a timestamp, a date or a duration`);
}

/**
 * Prune's shared filters, as Docker's for containers, networks and volumes: `until` (created
 * before), `label` (every one matches) and `label!` (excludes what matches).
 */
export function pruneMatcher(filters: Filters, now: number = Date.now()): (created: string, labels: Record<string, string>) => boolean {
  const untils = (filters.get('until') ?? []).map((value) => parseUntil(value, now));
  const until = untils.length > 0 ? Math.min(...untils) : undefined;
  const excluded = filters.get('label!') ?? [];
  return (created, labels) => {
    if (until !== undefined && Date.parse(created) >= until) return false;
    if (!matchesLabels(filters, 'label', labels)) return false;
    return excluded.length === 0 || !matchesLabels(new Map([['label', excluded]]), 'label', labels);
  };
}
