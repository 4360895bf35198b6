import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitVersion } from './version.js';

test('paths with and without a version', () => {
  assert.deepEqual(splitVersion('/v1.41/networks'), { version: '1.41', path: '/networks' });
  assert.deepEqual(splitVersion('/v1.24/networks/abc'), { version: '1.24', path: '/networks/abc' });
  assert.deepEqual(splitVersion('/_ping'), { version: '1.41', path: '/_ping' });
});

test('versions outside our range are 400s with dockerd messages', () => {
  assert.throws(() => splitVersion('/v1.50/networks'), /client version 1.50 is too new. Maximum supported API version is 1.41/);
  assert.throws(() => splitVersion('/v1.11/networks'), /client version 1.11 is too old/);
});
