import { invalid } from '../../errors/index.js';
import type { Network } from '../../model/network.js';
import { exactAny, matchesAny, matchesLabels, parseBool, pruneMatcher, type Filters } from '../../util/filters.js';

export const LIST_FILTERS = ['dangling', 'driver', 'id', 'label', 'name', 'scope', 'type'] as const;
export const PRUNE_FILTERS = ['until', 'label', 'label!'] as const;

/** `GET /networks` filters, as moby's daemon/network/filter.go applies them. */
export function listFilter(filters: Filters, endpointCount: (network: Network) => number): (network: Network) => boolean {
  const types = filters.get('type') ?? [];
  for (const type of types) {
    if (type !== 'custom' && type !== 'builtin') throw invalid('filters', `invalid filter: 'type'='${type}'`);
  }
  const danglingValues = filters.get('dangling') ?? [];
  const dangling = danglingValues.map((value) => {
    const parsed = parseBool(value);
    if (parsed === undefined) throw invalid('filters', `invalid filter 'dangling=${value}'`);
    return parsed;
  });
  return (network) => {
    if (!exactAny(filters, 'driver', network.driver)) return false;
    if (!matchesAny(filters, 'name', network.name)) return false;
    if (!matchesAny(filters, 'id', network.id)) return false;
    if (!exactAny(filters, 'scope', network.scope)) return false;
    if (!matchesLabels(filters, 'label', network.labels)) return false;
    if (types.length > 0 && !types.includes(network.predefined ? 'builtin' : 'custom')) return false;
    if (dangling.length > 0) {
      const isDangling = !network.predefined && endpointCount(network) === 0;
      if (!dangling.includes(isDangling)) return false;
    }
    return true;
  };
}

/** `POST /networks/prune` filters: until, label, label! (label! excludes matching networks). */
export function pruneFilter(filters: Filters, now: number = Date.now()): (network: Network) => boolean {
  const matches = pruneMatcher(filters, now);
  return (network) => matches(network.created, network.labels);
}
