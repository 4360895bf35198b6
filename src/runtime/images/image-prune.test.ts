import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageRecord } from '../../model/image.js';
import { pruneSelector } from './image-prune.js';

const image = (id: string, refs: { tags?: string[]; digests?: string[] }, created: string, labels: Record<string, string> | null = null): ImageRecord =>
  ({ id, repoTags: refs.tags ?? [], repoDigests: refs.digests ?? [], size: 1, lastTagTime: '', config: { created, config: { Labels: labels } } }) as unknown as ImageRecord;

const images = [
  image('dangling-old', {}, '2020-01-01T00:00:00Z', { keep: 'no' }),
  image('dangling-new', {}, '2026-01-01T00:00:00Z'),
  image('digest-only', { digests: ['web@sha256:1'] }, '2020-01-01T00:00:00Z'),
  image('tagged', { tags: ['web:1'] }, '2020-01-01T00:00:00Z', { keep: 'yes' }),
  image('used', {}, '2020-01-01T00:00:00Z'),
];
const pick = (filters: object | null): string[] => {
  const selected = pruneSelector(filters === null ? null : JSON.stringify(filters), (id) => id === 'used', Date.parse('2026-06-01T00:00:00Z'));
  return images.filter(selected).map((record) => record.id);
};

test('image prune: dangling by default, all unused with dangling=false, until and labels narrow it', () => {
  assert.deepEqual(pick(null), ['dangling-old', 'dangling-new']);
  assert.deepEqual(pick({ dangling: { false: true } }), ['dangling-old', 'dangling-new', 'digest-only', 'tagged']);
  assert.deepEqual(pick({ dangling: ['false'], until: ['2021-01-01'] }), ['dangling-old', 'digest-only', 'tagged']);
  assert.deepEqual(pick({ dangling: ['false'], label: ['keep'] }), ['dangling-old', 'tagged']);
  assert.deepEqual(pick({ dangling: ['false'], 'label!': ['keep=yes'] }), ['dangling-old', 'dangling-new', 'digest-only']);
  assert.deepEqual(pick({ until: ['24h'] }), ['dangling-old', 'dangling-new']);
});

test('image prune: unknown filters and bad values are a 400', () => {
  assert.throws(() => pick({ reference: ['x'] }), /invalid filter 'reference'/);
  assert.throws(() => pick({ dangling: ['maybe'] }), /dangling=maybe/);
  assert.throws(() => pick({ until: ['soon'] }), /until=soon/);
});
