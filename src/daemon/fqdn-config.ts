/**
 * `fqdn-min-ttl` (config file key and `--fqdn-min-ttl`): the shortest time, in seconds, an
 * address from an allowed DNS answer stays in a policy's FQDN set, whatever the answer's TTL
 * (Cilium's tofqdns-min-ttl). Default 30 s; tests set it low to see elements expire.
 */
import { invalid } from '../errors/index.js';

export const DEFAULT_FQDN_MIN_TTL = 30;
const MAX_FQDN_MIN_TTL = 86_400;

/** A whole number of seconds, as a number or as text ("5" or "5s"); undefined keeps the default. */
export function fqdnMinTtl(value: unknown): number {
  if (value === undefined) return DEFAULT_FQDN_MIN_TTL;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const seconds = /^\d{1,6}s?$/.test(text) ? parseInt(text, 10) : NaN;
  if (!(seconds >= 1 && seconds <= MAX_FQDN_MIN_TTL)) {
    throw invalid('config', `invalid fqdn-min-ttl ${JSON.stringify(value)}: expected whole seconds from 1 to ${MAX_FQDN_MIN_TTL}, e.g. 30 or "30s"`);
  }
  return seconds;
}
