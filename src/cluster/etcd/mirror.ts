/**
 * The local copy of every key under the prefix, fed from three sources that arrive in any order:
 * watch events, our own transaction results (read your writes) and range reads (the full reload
 * after a reconnect, read()). Each key remembers the revision its state is known at; a piece of
 * information is applied only when it is newer, so a late watch event never undoes a newer own
 * write and a write is never announced twice.
 *
 * - `knownAt` of a key: the revision at which its state (present with a value, or absent) was
 *   last established. A present key's knownAt is >= its modRevision.
 * - `floor`: the revision of the last full reload; every key's state at or below it is known
 *   (absent keys included), so any information at or below the floor is stale.
 * - Absent keys with knownAt > floor are tombstones (a delete we know of before the watch says
 *   so). They are dropped once the floor or the watch has passed them: watch events come in
 *   revision order, so after an event at revision R nothing older than R can arrive.
 */
import type { ClusterEntry, ClusterEvent } from '../cluster-store.js';

interface KeyState {
  entry: ClusterEntry | undefined;
  knownAt: number;
}

/** One key's state read from etcd (or written by us) at some revision. */
export interface KeyValueAt {
  key: string;
  value: unknown;
  modRevision: number;
}

export class Mirror {
  private readonly keys = new Map<string, KeyState>();
  private floor = 0;
  private tombstones = 0;
  /** Present keys in order, for list(); dropped whenever a key appears or disappears. */
  private sorted: string[] | undefined;

  /** The revision of the last full reload. */
  get floorRevision(): number {
    return this.floor;
  }

  get size(): number {
    return this.keys.size - this.tombstones;
  }

  get(key: string): ClusterEntry | undefined {
    return this.keys.get(key)?.entry;
  }

  /** Entries under `prefix`, sorted by key: a binary search in the sorted key list, kept until a key comes or goes. */
  list(prefix: string): ClusterEntry[] {
    this.sorted ??= [...this.keys].filter(([, state]) => state.entry).map(([key]) => key).sort(compareKeys);
    const sorted = this.sorted;
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (sorted[middle]! < prefix) low = middle + 1;
      else high = middle;
    }
    const entries: ClusterEntry[] = [];
    for (let index = low; index < sorted.length && sorted[index]!.startsWith(prefix); index += 1) {
      entries.push(this.keys.get(sorted[index]!)!.entry!);
    }
    return entries;
  }

  /**
   * A key has this value, last modified at `modRevision`, as known at revision `at` (a write or
   * watch event: the same revision; a read: the read's revision).
   */
  put(key: string, value: unknown, modRevision: number, events: ClusterEvent[], at = modRevision): void {
    this.apply(key, { key, value: deepFreeze(value), modRevision: String(modRevision) }, at, events);
  }

  /** A key was absent at `revision` (deleted then, or seen absent by a read at that revision). */
  absent(key: string, revision: number, events: ClusterEvent[]): void {
    this.apply(key, undefined, revision, events);
  }

  /** Every key under `prefix` whose state is known older than `revision` is absent at `revision`. */
  absentUnder(prefix: string, revision: number, events: ClusterEvent[]): void {
    for (const [key, state] of [...this.keys]) {
      if (state.entry && key.startsWith(prefix)) this.absent(key, revision, events);
    }
  }

  /**
   * The state of every key under `prefix` at `revision` (a range read): keys not in `present`
   * are absent then. With prefix '' this is a full reload and raises the floor.
   */
  snapshot(prefix: string, present: readonly KeyValueAt[], revision: number, events: ClusterEvent[]): void {
    const seen = new Set<string>();
    for (const kv of present) {
      seen.add(kv.key);
      // The read says: at `revision` this key has this value (last modified at modRevision).
      this.apply(kv.key, { key: kv.key, value: deepFreeze(kv.value), modRevision: String(kv.modRevision) }, revision, events);
    }
    for (const [key, state] of [...this.keys]) {
      if (state.entry && key.startsWith(prefix) && !seen.has(key)) this.absent(key, revision, events);
    }
    if (prefix === '' && revision > this.floor) {
      this.floor = revision;
      this.prune(revision);
    }
  }

  /**
   * Replaces everything with a full read at `revision`, whatever revisions the mirror knew: for
   * an etcd whose revisions went backwards (its data was wiped or restored from a backup).
   */
  replace(present: readonly KeyValueAt[], revision: number, events: ClusterEvent[]): void {
    const next = new Map(present.map((kv) => [kv.key, kv]));
    for (const [key, state] of this.keys) {
      if (state.entry && !next.has(key)) events.push({ type: 'delete', key, value: state.entry.value });
    }
    const before = new Map(this.keys);
    this.sorted = undefined;
    this.keys.clear();
    this.tombstones = 0;
    for (const kv of present) {
      const value = deepFreeze(kv.value);
      this.keys.set(kv.key, { entry: { key: kv.key, value, modRevision: String(kv.modRevision) }, knownAt: revision });
      const previous = before.get(kv.key)?.entry;
      if (previous?.modRevision === String(kv.modRevision) && JSON.stringify(previous.value) === JSON.stringify(value)) continue;
      events.push({ type: 'put', key: kv.key, value });
    }
    this.floor = revision;
  }

  /** The watch delivered an event at `revision`: nothing older can follow, tombstones up to it can go. */
  watchedUpTo(revision: number): void {
    if (this.tombstones > 0) this.prune(revision);
  }

  private apply(key: string, entry: ClusterEntry | undefined, at: number, events: ClusterEvent[]): void {
    const state = this.keys.get(key);
    if (at <= Math.max(state?.knownAt ?? 0, this.floor)) return;
    const previous = state?.entry;
    if ((previous === undefined) !== (entry === undefined)) this.sorted = undefined;
    if (entry === undefined) {
      if (previous !== undefined) this.tombstones += 1;
      if (state === undefined) this.tombstones += 1;
      this.keys.set(key, { entry: undefined, knownAt: at });
      if (previous !== undefined) events.push({ type: 'delete', key, value: previous.value });
      return;
    }
    if (state !== undefined && previous === undefined) this.tombstones -= 1;
    // Same modification seen again (e.g. our own write, then its watch event): only the
    // knowledge revision moves, nothing changed.
    if (previous !== undefined && previous.modRevision === entry.modRevision) {
      this.keys.set(key, { entry: previous, knownAt: at });
      return;
    }
    this.keys.set(key, { entry, knownAt: at });
    events.push({ type: 'put', key, value: entry.value });
  }

  private prune(upTo: number): void {
    for (const [key, state] of this.keys) {
      if (state.entry === undefined && state.knownAt <= upTo) {
        this.keys.delete(key);
        this.tombstones -= 1;
      }
    }
  }
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Mirror values are shared by every reader: freeze them so nobody changes them in place. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child);
  }
  return value;
}
