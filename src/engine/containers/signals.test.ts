import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseSignal, signalNumber } from './signals.js';

test('`docker kill -s`: names get their SIG prefix, numbers pass, the rest is a 400', () => {
  assert.equal(normaliseSignal('KILL'), 'SIGKILL');
  assert.equal(normaliseSignal('SIGHUP'), 'SIGHUP');
  assert.equal(normaliseSignal('9'), '9');
  for (const bad of ['', 'kill', 'SIG-1', 'HUP;rm']) assert.throws(() => normaliseSignal(bad), { kind: 'invalid', message: `Invalid signal: ${bad}` });
});

test('signalNumber gives the number Docker shows in kill events', () => {
  assert.equal(signalNumber('SIGTERM'), '15');
  assert.equal(signalNumber('KILL'), '9');
  assert.equal(signalNumber('10'), '10');
});
