import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageSource } from './runtime-adapters.js';
import type { ImageStore } from '../runtime/images/index.js';

// A loaded image's config is the archive's JSON as written: `docker load` of an image whose config
// has no User or WorkingDir used to start with `undefined` as the user and fail with a TypeError.
test('an image config without User or WorkingDir gives empty strings', () => {
  const store = { find: () => ({ id: 'sha256:1', config: { config: { Cmd: ['sh'] } } }), layersOf: () => [] } as unknown as ImageStore;
  const info = imageSource(store).find('x');
  assert.equal(info?.user, '');
  assert.equal(info?.workingDir, '');
});

test('non-string User values from an archive are not passed on', () => {
  const store = { find: () => ({ id: 'sha256:1', config: { config: { User: 7, WorkingDir: ['/'] } } }), layersOf: () => [] } as unknown as ImageStore;
  const info = imageSource(store).find('x');
  assert.equal(info?.user, '');
  assert.equal(info?.workingDir, '');
});
