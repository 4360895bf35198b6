import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HealthResult, HealthState } from '../../model/health.js';
import { MAX_OUTPUT, ProbeOutput, recordResult, startingHealth } from './health-record.js';

const result = (exitCode: number, output = ''): HealthResult => ({ start: 's', end: 'e', exitCode, output });

test('a success makes it healthy; failures make it unhealthy once the streak reaches the retries', () => {
  let state: HealthState = startingHealth(undefined);
  state = recordResult(state, result(1), { retries: 2, inStartPeriod: false });
  assert.deepEqual([state.status, state.failingStreak], ['starting', 1]);
  state = recordResult(state, result(0), { retries: 2, inStartPeriod: false });
  assert.deepEqual([state.status, state.failingStreak], ['healthy', 0]);
  state = recordResult(state, result(1), { retries: 2, inStartPeriod: false });
  assert.deepEqual([state.status, state.failingStreak], ['healthy', 1]);
  state = recordResult(state, result(-1), { retries: 2, inStartPeriod: false });
  assert.deepEqual([state.status, state.failingStreak], ['unhealthy', 2]);
  state = recordResult(state, result(0), { retries: 2, inStartPeriod: false });
  assert.deepEqual([state.status, state.failingStreak], ['healthy', 0]);
});

test('failures in the start period do not count while starting; a success there counts', () => {
  let state = startingHealth(undefined);
  for (let i = 0; i < 5; i++) state = recordResult(state, result(1), { retries: 1, inStartPeriod: true });
  assert.deepEqual([state.status, state.failingStreak, state.log.length], ['starting', 0, 5]);
  state = recordResult(state, result(0), { retries: 1, inStartPeriod: true });
  assert.equal(state.status, 'healthy');
  state = recordResult(state, result(1), { retries: 1, inStartPeriod: true });
  assert.equal(state.status, 'unhealthy', 'once healthy, the start period no longer shields a failure');
});

test('the log keeps the last 5 results, oldest first; a new start keeps the log and resets the rest', () => {
  let state = startingHealth(undefined);
  for (let i = 0; i < 7; i++) state = recordResult(state, result(0, String(i)), { retries: 3, inStartPeriod: false });
  assert.deepEqual(state.log.map((entry) => entry.output), ['2', '3', '4', '5', '6']);
  assert.deepEqual(startingHealth({ ...state, status: 'unhealthy', failingStreak: 4 }), { status: 'starting', failingStreak: 0, log: state.log });
});

test('probe output is cut at 4 KiB, marked with "..."', () => {
  const small = new ProbeOutput();
  small.write(Buffer.from('ok\n'));
  assert.equal(small.text(), 'ok\n');
  const big = new ProbeOutput();
  big.write(Buffer.alloc(3000, 'a'));
  big.write(Buffer.alloc(3000, 'b'));
  assert.equal(big.text(), `${'a'.repeat(3000)}${'b'.repeat(MAX_OUTPUT - 3000)}...`);
});
