/**
 * `docker images` filters (GET /images/json?filters=, and `docker images NAME`, which the CLI
 * sends as `reference=NAME`), as moby's image list takes them:
 * - `reference`: Go path.Match globs (util/go-glob.ts), each tried against a reference's familiar
 *   string (`nginx:1.9.1`, `nginx@sha256:…`) and then its familiar name (`nginx`). Only the
 *   references that match are listed, and an image none of whose references match is left out.
 * - `dangling=true|false`: only images without / with a tag.
 * - `label=KEY[=VALUE]`: every one given must match the image config's labels.
 * - `before=IMAGE`, `since=IMAGE`: created before / after that image (an unknown one is a 404).
 */
import { invalid } from '../../errors/index.js';
import type { ImageRecord } from '../../model/image.js';
import { compileGoGlob, type GoGlob } from '../../util/go-glob.js';
import { matchesLabels, parseBool, parseFilters, type Filters } from '../../util/filters.js';

const KEYS = ['reference', 'dangling', 'label', 'before', 'since'];

/** `nginx:1.9.1` -> `nginx`, `host:5000/app@sha256:…` -> `host:5000/app`. */
export function familiarName(reference: string): string {
  const at = reference.indexOf('@');
  if (at >= 0) return reference.slice(0, at);
  const colon = reference.lastIndexOf(':');
  return colon > reference.lastIndexOf('/') ? reference.slice(0, colon) : reference;
}

function referenceMatcher(globs: readonly GoGlob[]): (reference: string) => boolean {
  return (reference) => globs.some((glob) => glob.matches(reference) || glob.matches(familiarName(reference)));
}

function oneBool(filters: Filters, key: string): boolean | undefined {
  const values = filters.get(key) ?? [];
  if (values.length === 0) return undefined;
  if (values.length > 1) throw invalid('filters', `invalid filter: ${key} takes one value`);
  const value = parseBool(values[0]!);
  if (value === undefined) throw invalid('filters', `invalid filter '${key}=${values[0]}'`);
  return value;
}

function createdBound(filters: Filters, key: string, resolve: (name: string) => ImageRecord): number | undefined {
  const values = filters.get(key) ?? [];
  if (values.length === 0) return undefined;
  return Math.min(...values.map((name) => Date.parse(resolve(name).config.created)));
}

/**
 * The filter of one request: each image -> the record to list (its references narrowed by
 * `reference`) or undefined. `resolve` throws not-found for an unknown image.
 */
export function listSelector(rawFilters: string | null, resolve: (name: string) => ImageRecord): (image: ImageRecord) => ImageRecord | undefined {
  const filters = parseFilters(rawFilters, KEYS);
  const patterns = filters.get('reference') ?? [];
  const matchReference = referenceMatcher(patterns.map(compileGoGlob));
  const dangling = oneBool(filters, 'dangling');
  const before = createdBound(filters, 'before', resolve);
  const since = createdBound(filters, 'since', resolve);
  return (image) => {
    if (dangling !== undefined && dangling !== (image.repoTags.length === 0)) return undefined;
    if (!matchesLabels(filters, 'label', image.config.config.Labels ?? {})) return undefined;
    const created = Date.parse(image.config.created);
    if (before !== undefined && !(created < before)) return undefined;
    if (since !== undefined && !(created > since)) return undefined;
    if (patterns.length === 0) return image;
    const repoTags = image.repoTags.filter(matchReference);
    const repoDigests = image.repoDigests.filter(matchReference);
    return repoTags.length + repoDigests.length === 0 ? undefined : { ...image, repoTags, repoDigests };
  };
}
