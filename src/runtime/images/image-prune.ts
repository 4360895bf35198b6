/**
 * `docker image prune` (POST /images/prune): which images go. Docker's rules: `dangling=true` (the
 * default) takes images with no reference at all (no tag, no digest); `dangling=false` (`-a`) takes
 * every image; either way an image a container uses (running or not) stays. `until` (created
 * before), `label` and `label!` narrow the choice as for containers, networks and volumes.
 */
import { invalid } from '../../errors/index.js';
import type { ImageRecord } from '../../model/image.js';
import { parseBool, parseFilters, pruneMatcher } from '../../util/filters.js';

const KEYS = ['dangling', 'until', 'label', 'label!'];

export function pruneSelector(rawFilters: string | null, used: (imageId: string) => boolean, now: number = Date.now()): (image: ImageRecord) => boolean {
  const filters = parseFilters(rawFilters, KEYS);
  const dangling = filters.get('dangling') ?? [];
  if (dangling.length > 1) throw invalid('filters', 'invalid filter: dangling takes one value');
  const danglingOnly = dangling.length === 0 ? true : parseBool(dangling[0]!);
  if (danglingOnly === undefined) throw invalid('filters', `invalid filter 'dangling=${dangling[0]}'`);
  const matches = pruneMatcher(filters, now);
  return (image) => {
    if (used(image.id)) return false;
    if (danglingOnly && (image.repoTags.length > 0 || image.repoDigests.length > 0)) return false;
    return matches(image.config.created, image.config.config.Labels ?? {});
  };
}
