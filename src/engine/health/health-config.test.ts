import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HealthConfig } from '../../model/health.js';
import { healthcheckFromImage, healthTimings, mergeHealthcheck, probeArgv } from './health-config.js';

const config = (parts: Partial<HealthConfig>): HealthConfig => ({ test: [], interval: 0, timeout: 0, startPeriod: 0, startInterval: 0, retries: 0, ...parts });

test("the request's healthcheck goes over the image's, part by part", () => {
  const image = config({ test: ['CMD-SHELL', 'image-check'], interval: 10e9, timeout: 2e9, retries: 5 });
  assert.deepEqual(mergeHealthcheck(undefined, image), image);
  assert.deepEqual(mergeHealthcheck(config({ interval: 1e9 }), image), { ...image, interval: 1e9 });
  assert.deepEqual(mergeHealthcheck(config({ test: ['CMD', 'mine'] }), image), { ...image, test: ['CMD', 'mine'] });
  assert.deepEqual(mergeHealthcheck(config({ test: ['NONE'] }), image)?.test, ['NONE']);
  assert.equal(mergeHealthcheck(undefined, undefined), undefined);
});

test('the probe runs CMD as given and CMD-SHELL through /bin/sh -c; NONE and no test run nothing', () => {
  assert.deepEqual(probeArgv(config({ test: ['CMD', 'cat', '/x'] })), ['cat', '/x']);
  assert.deepEqual(probeArgv(config({ test: ['CMD-SHELL', 'test -f /x'] })), ['/bin/sh', '-c', 'test -f /x']);
  for (const test of [['NONE'], [], ['CMD'], ['OTHER', 'x']]) assert.equal(probeArgv(config({ test })), undefined);
  assert.equal(probeArgv(undefined), undefined);
});

test("unset timings are Docker's defaults", () => {
  assert.deepEqual(healthTimings(config({ test: ['CMD', 'x'] })), { interval: 30e9, timeout: 30e9, startPeriod: 0, startInterval: 5e9, retries: 3 });
});

test("an image's Healthcheck is read in its wire shape; a damaged one is dropped", () => {
  assert.deepEqual(healthcheckFromImage({ Test: ['CMD-SHELL', 'x'], Interval: 1e9, Retries: 2 }), config({ test: ['CMD-SHELL', 'x'], interval: 1e9, retries: 2 }));
  assert.deepEqual(healthcheckFromImage({ Test: ['CMD', 'x'], Interval: -5, Timeout: 'x' }), config({ test: ['CMD', 'x'] }));
  for (const bad of [undefined, null, 'x', { Test: 'x' }, { Test: [1] }]) assert.equal(healthcheckFromImage(bad), undefined);
});
