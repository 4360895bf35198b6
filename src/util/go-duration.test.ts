import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatGoDuration, parseGoDuration } from './go-duration.js';

test('Go durations print as Duration.String()', () => {
  const cases: Array<[number, string]> = [
    [0, '0s'], [1e9, '1s'], [1.5e9, '1.5s'], [500e6, '500ms'], [90e9, '1m30s'], [3600e9, '1h0m0s'],
    [1500e3, '1.5ms'], [100, '100ns'], [2e3, '2µs'], [30e9, '30s'], [-2e9, '-2s'],
  ];
  for (const [ns, text] of cases) assert.equal(formatGoDuration(ns), text, String(ns));
});

test('Go durations parse as time.ParseDuration', () => {
  assert.equal(parseGoDuration('1m30s', 'x'), 90e9);
  assert.equal(parseGoDuration('500ms', 'x'), 500e6);
  assert.equal(parseGoDuration('1.5h', 'x'), 5400e9);
  assert.equal(parseGoDuration('0', 'x'), 0);
  assert.equal(parseGoDuration('-3s', 'x'), -3e9);
  for (const bad of ['', '5', 'abc', '1x', '.s', '1s2']) assert.throws(() => parseGoDuration(bad, '--interval'), /--interval/, bad);
});
