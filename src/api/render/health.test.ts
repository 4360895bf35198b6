import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container } from '../../model/container.js';
import { healthSuffix, renderHealthConfig, renderHealthState } from './health.js';

test("Config.Healthcheck leaves zero parts out, as Docker's omitempty", () => {
  assert.deepEqual(renderHealthConfig({ test: ['CMD-SHELL', 'true'], interval: 1e9, timeout: 0, startPeriod: 0, startInterval: 0, retries: 2 }), { Test: ['CMD-SHELL', 'true'], Interval: 1e9, Retries: 2 });
  assert.deepEqual(renderHealthConfig({ test: [], interval: 5e9, timeout: 0, startPeriod: 0, startInterval: 0, retries: 0 }), { Interval: 5e9 });
});

test('State.Health and the ps suffix', () => {
  const health = { status: 'starting' as const, failingStreak: 1, log: [{ start: 'a', end: 'b', exitCode: 1, output: 'x' }] };
  assert.deepEqual(renderHealthState(health), { Status: 'starting', FailingStreak: 1, Log: [{ Start: 'a', End: 'b', ExitCode: 1, Output: 'x' }] });
  const of = (status: Container['state']['status'], value?: 'starting' | 'healthy' | 'unhealthy') => ({ state: { status, ...(value ? { health: { ...health, status: value } } : {}) } }) as unknown as Container;
  assert.equal(healthSuffix(of('running', 'starting')), ' (health: starting)');
  assert.equal(healthSuffix(of('running', 'healthy')), ' (healthy)');
  assert.equal(healthSuffix(of('running', 'unhealthy')), ' (unhealthy)');
  assert.equal(healthSuffix(of('running')), '');
  assert.equal(healthSuffix(of('exited', 'healthy')), '', 'a stopped container shows no health');
});
