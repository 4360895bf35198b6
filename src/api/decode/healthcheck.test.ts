import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeContainerCreate } from './container-create.js';
import { decodeHealthcheck } from './healthcheck.js';

test('a healthcheck decodes into nanoseconds and the test words', () => {
  assert.deepEqual(decodeHealthcheck({ Test: ['CMD-SHELL', 'wget -q localhost'], Interval: 2e9, Timeout: 1e9, StartPeriod: 5e9, StartInterval: 1e9, Retries: 4 }), {
    test: ['CMD-SHELL', 'wget -q localhost'], interval: 2e9, timeout: 1e9, startPeriod: 5e9, startInterval: 1e9, retries: 4,
  });
  assert.deepEqual(decodeHealthcheck({ Test: ['NONE'] })?.test, ['NONE']);
  assert.deepEqual(decodeHealthcheck({ Interval: 3e9 }), { test: [], interval: 3e9, timeout: 0, startPeriod: 0, startInterval: 0, retries: 0 });
  for (const none of [undefined, null, {}]) assert.equal(decodeHealthcheck(none), undefined);
});

test('bad healthchecks are 400s naming the field and the option', () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ Test: ['CMD', 'true'], Interval: 500_000 }, /^Interval in Healthcheck cannot be less than 1ms \(--health-interval\): 500µs$/],
    [{ Test: ['CMD', 'true'], Timeout: -1e9 }, /^Timeout in Healthcheck cannot be less than 1ms \(--health-timeout\)/],
    [{ Test: ['CMD', 'true'], StartPeriod: 10 }, /StartPeriod in Healthcheck .*--health-start-period/],
    [{ Test: ['CMD', 'true'], StartInterval: 10 }, /StartInterval in Healthcheck .*--health-start-interval/],
    [{ Test: ['CMD', 'true'], Retries: -1 }, /^Retries in Healthcheck cannot be negative \(--health-retries\)/],
    [{ Test: ['CMD', 'true'], Interval: '5s' }, /Healthcheck\.Interval \(--health-interval\)/],
    [{ Test: ['CMD'] }, /Healthcheck\.Test \(--health-cmd\)/],
    [{ Test: ['CMD-SHELL', ''] }, /Healthcheck\.Test/],
    [{ Test: ['SHELL', 'true'] }, /Healthcheck\.Test/],
    [{ Test: 'true' }, /Healthcheck\.Test/],
  ];
  for (const [raw, message] of cases) assert.throws(() => decodeHealthcheck(raw), { kind: 'invalid', message }, JSON.stringify(raw));
});

test('a create carries its healthcheck; one without has none', () => {
  const body = { Image: 'busybox', Healthcheck: { Test: ['CMD', 'true'], Interval: 1e9 } };
  assert.deepEqual(decodeContainerCreate(body).config.healthcheck?.test, ['CMD', 'true']);
  assert.equal(decodeContainerCreate({ Image: 'busybox' }).config.healthcheck, undefined);
  assert.throws(() => decodeContainerCreate({ Image: 'busybox', Healthcheck: { Test: ['CMD', 'true'], Interval: 1 } }), { kind: 'invalid' });
});
