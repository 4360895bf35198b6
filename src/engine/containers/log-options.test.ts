import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_LOG_CONFIG, logLimitsOf, mergeLogConfig, parseLogSize, validateLogConfig } from './log-options.js';

test('max-size: bytes and k/m/g units in 1024s, as Docker', () => {
  assert.equal(parseLogSize('4096'), 4096);
  assert.equal(parseLogSize('10k'), 10 * 1024);
  assert.equal(parseLogSize('10m'), 10 * 1024 * 1024);
  assert.equal(parseLogSize('10MB'), 10 * 1024 * 1024);
  assert.equal(parseLogSize('1g'), 1024 ** 3);
  assert.equal(parseLogSize('1.5k'), 1536);
  for (const bad of ['', '0', '-1', '10x', 'm', '1 0m', '10m\n', '1e3']) assert.throws(() => parseLogSize(bad), /max-size/, bad);
});

test('unknown drivers and options are refused with a message naming them', () => {
  assert.throws(() => validateLogConfig({ type: 'syslog', config: {} }), /log driver "syslog" is not supported/);
  assert.throws(() => validateLogConfig({ type: 'none', config: {} }), /"none"/);
  assert.throws(() => validateLogConfig({ type: 'json-file', config: { compress: 'true' } }), /unknown log opt "compress"/);
  assert.throws(() => validateLogConfig({ type: '', config: { 'max-file': '0' } }), /max-file cannot be less than 1/);
  assert.throws(() => validateLogConfig({ type: '', config: { 'max-file': 'three' } }), /max-file/);
  assert.throws(() => validateLogConfig({ type: '', config: { 'max-size': '-1' } }), /max-size/);
  validateLogConfig({ type: 'json-file', config: { 'max-size': '10m', 'max-file': '3' } });
  validateLogConfig({ type: '', config: {} });
});

test('the request over the daemon over the built-in cap: never unbounded', () => {
  assert.deepEqual(mergeLogConfig(undefined), BUILTIN_LOG_CONFIG);
  assert.deepEqual(logLimitsOf(mergeLogConfig({ type: '', config: {} })), { maxSize: 20 * 1024 * 1024, maxFiles: 5 });
  const daemon = mergeLogConfig({ type: 'json-file', config: { 'max-size': '1m' } });
  assert.deepEqual(logLimitsOf(mergeLogConfig({ type: '', config: { 'max-file': '2' } }, daemon)), { maxSize: 1024 * 1024, maxFiles: 2 });
  assert.deepEqual(mergeLogConfig({ type: 'json-file', config: { 'max-size': '10m', 'max-file': '3' } }, daemon).config, { 'max-size': '10m', 'max-file': '3' });
});
