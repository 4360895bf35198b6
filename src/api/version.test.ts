import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atLeast, splitVersion } from './version.js';

test('paths with and without a version', () => {
  assert.deepEqual(splitVersion('/v1.41/networks'), { version: '1.41', path: '/networks' });
  assert.deepEqual(splitVersion('/v1.50/networks'), { version: '1.50', path: '/networks' });
  assert.deepEqual(splitVersion('/v1.24/networks/abc'), { version: '1.24', path: '/networks/abc' });
  assert.deepEqual(splitVersion('/_ping'), { version: '1.50', path: '/_ping' });
});

test('versions outside our range (1.24 to 1.50) are 400s with dockerd messages', () => {
  assert.throws(() => splitVersion('/v1.51/networks'), /client version 1.51 is too new. Maximum supported API version is 1.50/);
  assert.throws(() => splitVersion('/v1.23/networks'), /client version 1.23 is too old. Minimum supported API version is 1.24/);
});

test('atLeast compares minor versions as numbers', () => {
  assert.equal(atLeast('1.50', '1.48'), true);
  assert.equal(atLeast('1.5', '1.48'), false);
  assert.equal(atLeast('1.41', '1.44'), false);
  assert.equal(atLeast('1.44', '1.44'), true);
});
