/**
 * `GET /volumes` and `POST /volumes/prune` filters, as moby's volume service applies them: list
 * takes name, driver, label and dangling; prune takes label, label! and (API 1.42+) all.
 */
import { invalid } from '../../errors/index.js';
import { ANONYMOUS_LABEL, type Volume } from '../../model/volume.js';
import { exactAny, matchesAny, matchesLabels, parseBool, pruneMatcher, type Filters } from '../../util/filters.js';

export const LIST_FILTERS = ['name', 'driver', 'label', 'dangling'] as const;
export const PRUNE_FILTERS = ['label', 'label!', 'all'] as const;

function boolValues(filters: Filters, key: string): boolean[] {
  return (filters.get(key) ?? []).map((value) => {
    const parsed = parseBool(value);
    if (parsed === undefined) throw invalid('filters', `invalid filter '${key}=${value}'`);
    return parsed;
  });
}

export function listFilter(filters: Filters, inUse: (volume: Volume) => boolean): (volume: Volume) => boolean {
  const dangling = boolValues(filters, 'dangling');
  return (volume) => {
    if (!matchesAny(filters, 'name', volume.name)) return false;
    if (!exactAny(filters, 'driver', volume.driver)) return false;
    if (!matchesLabels(filters, 'label', volume.labels)) return false;
    if (dangling.length > 0 && !dangling.includes(!inUse(volume))) return false;
    return true;
  };
}

/**
 * Which unused volumes prune removes. From API 1.42, only anonymous ones unless `all=true`; before
 * it, every unused volume (Docker's behaviour at each version).
 */
export function pruneFilter(filters: Filters, apiVersion: string): (volume: Volume) => boolean {
  const all = boolValues(filters, 'all');
  const onlyAnonymous = versionAtLeast(apiVersion, 1, 42) && !all.includes(true);
  // Volume prune takes no `until` (PRUNE_FILTERS), so only the label filters apply.
  const matches = pruneMatcher(filters);
  return (volume) => (!onlyAnonymous || Object.hasOwn(volume.labels, ANONYMOUS_LABEL)) && matches(volume.createdAt, volume.labels);
}

function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}
