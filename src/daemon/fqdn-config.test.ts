import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config.js';
import { DEFAULT_FQDN_MIN_TTL, fqdnMinTtl } from './fqdn-config.js';

test('fqdn-min-ttl: whole seconds from 1 to a day, as a number or "Ns"; the rest refused', () => {
  assert.equal(fqdnMinTtl(undefined), DEFAULT_FQDN_MIN_TTL);
  assert.equal(fqdnMinTtl(2), 2);
  assert.equal(fqdnMinTtl('45s'), 45);
  assert.equal(fqdnMinTtl('86400'), 86_400);
  for (const bad of [0, -1, 1.5, '', 'x', '1m', '86401', '3s; rm', null, true, {}]) assert.throws(() => fqdnMinTtl(bad), /invalid fqdn-min-ttl/, String(bad));
});

test('fqdn-min-ttl from the config file, the flag winning', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'conet-fqdn-config-'));
  try {
    const file = join(dir, 'daemon.json');
    await writeFile(file, JSON.stringify({ 'fqdn-min-ttl': 7 }));
    assert.equal((await loadConfig({})).fqdnMinTtlSeconds, 30);
    assert.equal((await loadConfig({ config: file })).fqdnMinTtlSeconds, 7);
    assert.equal((await loadConfig({ config: file, fqdnMinTtl: '3' })).fqdnMinTtlSeconds, 3);
    await writeFile(file, JSON.stringify({ 'fqdn-min-ttl': 'soon' }));
    await assert.rejects(loadConfig({ config: file }), /invalid fqdn-min-ttl/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
