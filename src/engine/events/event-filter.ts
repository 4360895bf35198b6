/**
 * `docker events --filter`, as Docker's daemon/events/filter.go reads it: every key given must
 * match. `event` is exact (a prefix for health_status, exec_create and exec_start, which carry a
 * suffix); `container`, `network`, `volume` and `daemon` match the actor's id or name by equality
 * or prefix, and only events of their own type; `image` is exact on the id, the name and both
 * without a tag; `label` is Docker's key or key=value list over the actor's attributes.
 */
import { matchesLabels, parseFilters, type Filters } from '../../util/filters.js';
import type { EngineEvent } from './event-bus.js';

export const EVENT_FILTERS = ['type', 'event', 'container', 'network', 'image', 'volume', 'label', 'daemon', 'scope', 'plugin', 'node', 'service', 'secret', 'config'] as const;
const PREFIXED_ACTIONS = ['health_status', 'exec_create', 'exec_start'];

/** Decodes the `filters` query parameter (400 on bad JSON or an unknown key). */
export function eventFilter(raw: string | null | undefined): (event: EngineEvent) => boolean {
  const filters = parseFilters(raw, EVENT_FILTERS);
  return (event) =>
    matchAction(filters, event.action) &&
    exact(filters, 'type', event.type) &&
    exact(filters, 'scope', 'local') &&
    byName(filters, 'daemon', event) &&
    byName(filters, 'container', event) &&
    byName(filters, 'network', event) &&
    byName(filters, 'volume', event) &&
    matchImage(filters, event) &&
    absent(filters, ['plugin', 'node', 'service', 'secret', 'config']) &&
    matchesLabels(filters, 'label', event.actor.attributes);
}

function exact(filters: Filters, key: string, value: string): boolean {
  const values = filters.get(key);
  return !values || values.length === 0 || values.includes(value);
}

/** Go's FuzzyMatch: no values, an equal one, or one that is a prefix of the source. */
function fuzzy(filters: Filters, key: string, source: string): boolean {
  const values = filters.get(key);
  return !values || values.length === 0 || values.some((value) => source === value || source.startsWith(value));
}

function matchAction(filters: Filters, action: string): boolean {
  const values = filters.get('event') ?? [];
  if (values.some((value) => PREFIXED_ACTIONS.includes(value))) return fuzzy(filters, 'event', action);
  return exact(filters, 'event', action);
}

/** The key's values against the id and the name attribute; events of another type match only an empty key. */
function byName(filters: Filters, key: 'daemon' | 'container' | 'network' | 'volume', event: EngineEvent): boolean {
  const values = filters.get(key);
  if (!values || values.length === 0) return true;
  if (event.type !== key) return false;
  return fuzzy(filters, key, event.actor.id) || fuzzy(filters, key, event.actor.attributes['name'] ?? '');
}

function matchImage(filters: Filters, event: EngineEvent): boolean {
  const values = filters.get('image');
  if (!values || values.length === 0) return true;
  const name = event.actor.attributes[event.type === 'image' ? 'name' : 'image'] ?? '';
  return [event.actor.id, name, stripTag(event.actor.id), stripTag(name)].some((candidate) => candidate !== '' && values.includes(candidate));
}

/** The Swarm-only keys: conet has none of those objects, so any value matches nothing. */
function absent(filters: Filters, keys: readonly string[]): boolean {
  return keys.every((key) => (filters.get(key) ?? []).length === 0);
}

/** "busybox:latest" → "busybox"; a digest or a registry port is kept ("host:5000/x" stays). */
export function stripTag(reference: string): string {
  const at = reference.indexOf('@');
  if (at >= 0) return reference.slice(0, at);
  const colon = reference.lastIndexOf(':');
  return colon > reference.lastIndexOf('/') ? reference.slice(0, colon) : reference;
}
