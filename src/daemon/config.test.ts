import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config.js';

async function withConfigFile<T>(content: unknown, fn: (path: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'conet-config-'));
  try {
    const path = join(dir, 'daemon.json');
    await writeFile(path, JSON.stringify(content));
    return await fn(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('ip6-masq defaults to true and can be switched off', async () => {
  assert.equal((await loadConfig({})).ip6Masquerade, true);
  assert.equal((await withConfigFile({ 'ip6-masq': false }, (config) => loadConfig({ config }))).ip6Masquerade, false);
  await assert.rejects(withConfigFile({ 'ip6-masq': 'no' }, (config) => loadConfig({ config })), /ip6-masq must be true or false/);
});

test('default-address-pools accepts IPv6 bases', async () => {
  const config = await withConfigFile({ 'default-address-pools': [{ base: '10.10.0.0/16', size: 24 }, { base: 'fd12:3456:789a::/48', size: 64 }] }, (path) => loadConfig({ config: path }));
  assert.deepEqual(config.addressPools, [{ base: '10.10.0.0/16', size: 24 }, { base: 'fd12:3456:789a::/48', size: 64 }]);
});
