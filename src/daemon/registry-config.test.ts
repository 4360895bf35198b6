import assert from 'node:assert/strict';
import { test } from 'node:test';
import { registryOptions } from './registry-config.js';

test('registry options: defaults, file keys, flags, Docker\'s conflict refusal', () => {
  assert.deepEqual(registryOptions({}, {}), { mirrors: [], insecure: [], timeoutMs: 30_000, certsDirs: ['/etc/docker/certs.d', '/etc/conet/certs.d'] });
  const file = { 'registry-mirrors': ['http://10.0.0.2:5000/'], 'insecure-registries': ['10.0.0.0/8', 'reg:5000'], 'registry-timeout': 5, 'certs-dirs': ['/tmp/c'] };
  assert.deepEqual(registryOptions(file, {}), { mirrors: ['http://10.0.0.2:5000'], insecure: ['10.0.0.0/8', 'reg:5000'], timeoutMs: 5000, certsDirs: ['/tmp/c'] });
  assert.equal(registryOptions({}, { registryTimeout: '1m30s' }).timeoutMs, 90_000);
  assert.equal(registryOptions({ 'registry-timeout': '2s' }, {}).timeoutMs, 2000);
  assert.deepEqual(registryOptions({}, { registryMirrors: ['https://m.example'] }).mirrors, ['https://m.example']);
  assert.throws(() => registryOptions({ 'registry-mirrors': ['http://a'] }, { registryMirrors: ['http://b'] }), /specified both as a flag and in the configuration file: registry-mirrors/);
});

test('bad registry options are refused at start', () => {
  const bad: Array<[Record<string, unknown>, RegExp]> = [
    [{ 'registry-mirrors': 'http://a' }, /must be a list of strings/],
    [{ 'registry-mirrors': ['a:5000'] }, /invalid mirror/],
    [{ 'registry-mirrors': ['http://a/v2'] }, /invalid mirror/],
    [{ 'insecure-registries': ['http://a'] }, /should not contain ':\/\/'/],
    [{ 'insecure-registries': ['a b'] }, /invalid insecure registry/],
    [{ 'registry-timeout': 0 }, /invalid registry-timeout/],
    [{ 'registry-timeout': 'soon' }, /invalid/],
    [{ 'certs-dirs': ['relative'] }, /absolute/],
  ];
  for (const [file, message] of bad) assert.throws(() => registryOptions(file, {}), message, JSON.stringify(file));
});
