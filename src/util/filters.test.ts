import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError } from '../errors/index.js';
import { matchesAny, matchesLabels, parseBool, parseFilters, parseUntil } from './filters.js';

test('parseFilters reads both the map and the legacy list encoding', () => {
  assert.deepEqual([...parseFilters('{"name":{"my":true},"driver":["bridge"]}', ['name', 'driver'])], [
    ['name', ['my']],
    ['driver', ['bridge']],
  ]);
  assert.equal(parseFilters('', ['name']).size, 0);
  assert.equal(parseFilters(undefined, ['name']).size, 0);
});

test('parseFilters rejects unknown keys and malformed JSON with 400s', () => {
  assert.throws(() => parseFilters('{"colour":{"red":true}}', ['name']), (error: unknown) => error instanceof EngineError && error.kind === 'invalid' && /invalid filter 'colour'/.test(error.message));
  assert.throws(() => parseFilters('{nope', ['name']), /not valid JSON/);
  assert.throws(() => parseFilters('{"name":{"a":true}}x', ['name']), /not valid JSON/);
  assert.throws(() => parseFilters('{"name":[1]}', ['name']), /must be strings/);
});

test("matchesAny is Go's filters.Match: an exact value, or an unanchored RE2 search", () => {
  const filters = new Map([['name', ['^my', 'net$']]]);
  assert.ok(matchesAny(filters, 'name', 'my_bridge'));
  assert.ok(matchesAny(filters, 'name', 'other_net'));
  assert.ok(!matchesAny(filters, 'name', 'other'));
  assert.ok(matchesAny(new Map([['name', ['ridg']]]), 'name', 'my_bridge'), 'unanchored');
  assert.ok(matchesAny(new Map([['name', ['(?i)^MY_']]]), 'name', 'my_bridge'), "Go's inline flags");
  // A value that doesn't compile as Go's regexp matches only itself (filters.Match skips it).
  assert.ok(!matchesAny(new Map([['name', ['a(']]]), 'name', 'xa(y'));
  assert.ok(matchesAny(new Map([['name', ['a(']]]), 'name', 'a('));
  assert.ok(!matchesAny(new Map([['name', ['a(?=b)']]]), 'name', 'ab'), 'no look-ahead in RE2');
  assert.ok(matchesAny(new Map(), 'name', 'anything'));
});

test('matchesAny: the issue-10 pattern against a name of only a\'s answers at once', () => {
  const filters = new Map([['name', ['^(a+)+z$']]]);
  const started = performance.now();
  for (let length = 20; length <= 128; length++) assert.ok(!matchesAny(filters, 'name', 'a'.repeat(length)));
  assert.ok(performance.now() - started < 1_000, `${Math.round(performance.now() - started)} ms`);
  assert.ok(matchesAny(filters, 'name', `${'a'.repeat(100)}z`));
});

test('matchesLabels: key, key=value, all must match', () => {
  const labels = { a: 'b', keep: '' };
  assert.ok(matchesLabels(new Map([['label', ['a=b']]]), 'label', labels));
  assert.ok(matchesLabels(new Map([['label', ['a', 'keep']]]), 'label', labels));
  assert.ok(!matchesLabels(new Map([['label', ['a=c']]]), 'label', labels));
  assert.ok(!matchesLabels(new Map([['label', ['a=b', 'missing']]]), 'label', labels));
});

test('parseBool takes Go spellings only', () => {
  assert.equal(parseBool('True'), true);
  assert.equal(parseBool('0'), false);
  assert.equal(parseBool('yes'), undefined);
});

test('parseUntil: unix seconds, RFC 3339, Go durations', () => {
  const now = Date.parse('2026-11-28T12:00:00Z');
  assert.equal(parseUntil('1700000000', now), 1_700_000_000_000);
  assert.equal(parseUntil('2026-11-28T11:00:00Z', now), now - 3_600_000);
  assert.equal(parseUntil('1h30m', now), now - 5_400_000);
  assert.equal(parseUntil('10m', now), now - 600_000);
  assert.throws(() => parseUntil('yesterday', now), /invalid filter 'until=yesterday'/);
});
