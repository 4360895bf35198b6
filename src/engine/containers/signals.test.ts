import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseSignal, parseSignal, signalNumber } from './signals.js';

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

test('--stop-signal: Linux names in any case with or without SIG, numbers 1-64, real-time offsets; the rest a 400', () => {
  assert.equal(parseSignal('SIGUSR1'), 10);
  assert.equal(parseSignal('usr1'), 10);
  assert.equal(parseSignal('SIGTERM'), 15);
  assert.equal(parseSignal('9'), 9);
  assert.equal(parseSignal('RTMIN+3'), 37);
  assert.equal(parseSignal('SIGRTMAX-2'), 62);
  for (const bad of ['', '0', '65', 'SIGFOO', 'RTMIN-1', 'RTMAX+1', 'constructor', '__proto__', 'TERM\n']) {
    assert.throws(() => parseSignal(bad), { kind: 'invalid', message: `Invalid signal: ${bad}` });
  }
});
