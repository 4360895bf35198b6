import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextBackoff, policyRestarts, RestartSchedule, validateRestartPolicy } from './restart-policy.js';

const exit = (exitCode: number, manuallyStopped = false, restartCount = 0) => ({ exitCode, manuallyStopped, restartCount });

test('policies: always after anything, unless-stopped unless stopped, on-failure on non-zero up to its cap, no never', () => {
  assert.equal(policyRestarts({ name: 'always', maximumRetryCount: 0 }, exit(0, true)), true);
  assert.equal(policyRestarts({ name: 'unless-stopped', maximumRetryCount: 0 }, exit(0)), true);
  assert.equal(policyRestarts({ name: 'unless-stopped', maximumRetryCount: 0 }, exit(1, true)), false);
  assert.equal(policyRestarts({ name: 'on-failure', maximumRetryCount: 0 }, exit(0)), false);
  assert.equal(policyRestarts({ name: 'on-failure', maximumRetryCount: 0 }, exit(3, false, 99)), true);
  assert.equal(policyRestarts({ name: 'on-failure', maximumRetryCount: 2 }, exit(3, false, 1)), true);
  assert.equal(policyRestarts({ name: 'on-failure', maximumRetryCount: 2 }, exit(3, false, 2)), false);
  assert.equal(policyRestarts({ name: 'no', maximumRetryCount: 0 }, exit(1)), false);
});

test('backoff: 100 ms doubling to a minute; after a run of 10 s at once, then 100 ms again', () => {
  let delay = 0;
  const seen = [];
  for (let step = 0; step < 12; step += 1) seen.push((delay = nextBackoff(delay, 50)));
  assert.deepEqual(seen.slice(0, 4), [100, 200, 400, 800]);
  assert.equal(seen.at(-1), 60_000);
  assert.equal(nextBackoff(60_000, 10_000), 0, 'a run of 10 s resets the backoff and comes back at once');
  assert.equal(nextBackoff(0, 50), 100, 'after an immediate restart, a quick crash waits the first step');
  assert.equal(nextBackoff(800, 9_999), 1_600);
});

test('validation: Docker\'s messages for unknown names, counts and --rm', () => {
  assert.deepEqual(validateRestartPolicy({ name: '', maximumRetryCount: 0 }, true), { name: 'no', maximumRetryCount: 0 });
  assert.deepEqual(validateRestartPolicy({ name: 'on-failure', maximumRetryCount: 2 }, false), { name: 'on-failure', maximumRetryCount: 2 });
  assert.throws(() => validateRestartPolicy({ name: 'sometimes', maximumRetryCount: 0 }, false), { kind: 'invalid', message: "invalid restart policy 'sometimes'" });
  assert.throws(() => validateRestartPolicy({ name: 'on-failure', maximumRetryCount: -1 }, false), { message: 'maximum retry count cannot be negative' });
  assert.throws(() => validateRestartPolicy({ name: 'always', maximumRetryCount: 3 }, false), { message: "maximum retry count cannot be used with restart policy 'always'" });
  assert.throws(() => validateRestartPolicy({ name: 'always', maximumRetryCount: 0 }, true), { kind: 'invalid', message: "can't create 'AutoRemove' container with restart policy" });
});

test('schedule: a cancel drops the pending restart and marks the container until a reset', async () => {
  const schedule = new RestartSchedule();
  let ran = 0;
  schedule.schedule('a', 5, () => (ran += 1));
  assert.equal(schedule.pending('a'), true);
  schedule.cancel('a');
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(ran, 0);
  assert.equal(schedule.isCancelled('a'), true);
  assert.deepEqual([schedule.delayFor('a', 0), schedule.delayFor('a', 0)], [100, 200]);
  schedule.reset('a');
  assert.equal(schedule.isCancelled('a'), false);
  assert.equal(schedule.delayFor('a', 0), 100);
  schedule.schedule('a', 1, () => (ran += 1));
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(ran, 1);
});
