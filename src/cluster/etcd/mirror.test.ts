import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterEvent } from '../cluster-store.js';
import { Mirror } from './mirror.js';

function collect(mirror: Mirror, apply: (events: ClusterEvent[]) => void): string[] {
  const events: ClusterEvent[] = [];
  apply(events);
  return events.map((event) => `${event.type} ${event.key}${event.value === undefined ? '' : ` ${JSON.stringify(event.value)}`}`);
}

test('own write then its watch event: announced once', () => {
  const mirror = new Mirror();
  assert.deepEqual(collect(mirror, (e) => mirror.put('k', 1, 5, e)), ['put k 1']);
  assert.deepEqual(collect(mirror, (e) => mirror.put('k', 1, 5, e)), []);
  assert.equal(mirror.get('k')?.modRevision, '5');
});

test('a late watch event older than what the mirror knows is ignored (puts and deletes)', () => {
  const mirror = new Mirror();
  collect(mirror, (e) => mirror.put('k', 'new', 9, e));
  assert.deepEqual(collect(mirror, (e) => mirror.put('k', 'old', 7, e)), []);
  // Own delete at 10, then the watch brings an older put (8) of the same key: stays deleted.
  assert.deepEqual(collect(mirror, (e) => mirror.absent('k', 10, e)), ['delete k "new"']);
  assert.deepEqual(collect(mirror, (e) => mirror.put('k', 'stale', 8, e)), []);
  assert.equal(mirror.get('k'), undefined);
  assert.deepEqual(collect(mirror, (e) => mirror.put('k', 'again', 11, e)), ['put k "again"']);
  assert.equal(mirror.size, 1);
});

test('a full snapshot diffs against the mirror, keeps newer knowledge and raises the floor', () => {
  const mirror = new Mirror();
  collect(mirror, (e) => {
    mirror.put('a', 1, 3, e);
    mirror.put('b', 2, 4, e);
    mirror.put('c', 3, 12, e); // known newer than the snapshot below
  });
  const events = collect(mirror, (e) =>
    mirror.snapshot('', [
      { key: 'a', value: 1, modRevision: 3 },
      { key: 'd', value: 4, modRevision: 9 },
    ], 10, e),
  );
  assert.deepEqual(events, ['put d 4', 'delete b 2']);
  assert.deepEqual(mirror.list('').map((entry) => entry.key), ['a', 'c', 'd']);
  assert.equal(mirror.floorRevision, 10);
  // Anything at or below the floor is stale.
  assert.deepEqual(collect(mirror, (e) => mirror.put('b', 'late', 6, e)), []);
  assert.deepEqual(collect(mirror, (e) => mirror.absent('d', 10, e)), []);
});

test('a partial snapshot (read of a prefix) only touches keys under it', () => {
  const mirror = new Mirror();
  collect(mirror, (e) => {
    mirror.put('names/a', 1, 2, e);
    mirror.put('names/ab', 2, 3, e);
    mirror.put('nodes/x', 3, 4, e);
  });
  assert.deepEqual(collect(mirror, (e) => mirror.snapshot('names/a', [{ key: 'names/a', value: 1, modRevision: 2 }], 6, e)), ['delete names/ab 2']);
  assert.ok(mirror.get('nodes/x'));
  assert.equal(mirror.floorRevision, 0);
});

test('absentUnder removes everything under a prefix at a revision; tombstones are pruned by the watch', () => {
  const mirror = new Mirror();
  collect(mirror, (e) => {
    mirror.put('ep/n1/a', 1, 2, e);
    mirror.put('ep/n1/b', 2, 3, e);
    mirror.put('ep/n10/c', 3, 4, e);
  });
  assert.deepEqual(collect(mirror, (e) => mirror.absentUnder('ep/n1/', 5, e)), ['delete ep/n1/a 1', 'delete ep/n1/b 2']);
  assert.equal(mirror.size, 1);
  mirror.watchedUpTo(5);
  // The tombstones are gone, the live key stays.
  assert.equal(mirror.size, 1);
  assert.deepEqual(collect(mirror, (e) => mirror.put('ep/n1/a', 9, 6, e)), ['put ep/n1/a 9']);
});

test('replace: a full read whose revisions went backwards replaces everything, announcing only differences', () => {
  const mirror = new Mirror();
  collect(mirror, (e) => {
    mirror.put('same', 1, 2, e);
    mirror.put('changed', 1, 3, e);
    mirror.put('gone', 1, 90, e);
  });
  collect(mirror, (e) => mirror.snapshot('', [{ key: 'same', value: 1, modRevision: 2 }, { key: 'changed', value: 1, modRevision: 3 }, { key: 'gone', value: 1, modRevision: 90 }], 100, e));
  const events = collect(mirror, (e) => mirror.replace([{ key: 'same', value: 1, modRevision: 2 }, { key: 'changed', value: 2, modRevision: 4 }], 5, e));
  assert.deepEqual(events, ['delete gone 1', 'put changed 2']);
  assert.equal(mirror.floorRevision, 5);
  assert.deepEqual(collect(mirror, (e) => mirror.put('new', 'x', 6, e)), ['put new "x"']);
});

test('list: sorted, exact prefix bounds, follows keys coming and going', () => {
  const mirror = new Mirror();
  collect(mirror, (e) => {
    mirror.put('nodes/b', 1, 2, e);
    mirror.put('nodes/a', 1, 3, e);
    mirror.put('nodesx', 1, 4, e);
    mirror.put('names/a', 1, 5, e);
  });
  assert.deepEqual(mirror.list('nodes/').map((entry) => entry.key), ['nodes/a', 'nodes/b']);
  assert.deepEqual(mirror.list('').map((entry) => entry.key), ['names/a', 'nodes/a', 'nodes/b', 'nodesx']);
  collect(mirror, (e) => {
    mirror.put('nodes/0', 1, 6, e);
    mirror.absent('nodes/b', 7, e);
    mirror.put('nodes/a', 2, 8, e);
  });
  assert.deepEqual(mirror.list('nodes/').map((entry) => [entry.key, entry.value]), [['nodes/0', 1], ['nodes/a', 2]]);
  assert.deepEqual(mirror.list('zzz'), []);
});
