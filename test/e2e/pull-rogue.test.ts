/**
 * A registry answering garbage, pulled through conet with the docker CLI: every way the rogue
 * registry (test/helpers/rogue-registry.ts) lies — a manifest that isn't JSON, HTML, a lying
 * digest, an unknown media type, 64 MiB, HTTP 500, a layer of wrong bytes, silence — fails the pull
 * with a clear message (no stack, no empty error) within the registry timeout, and stores nothing:
 * no image, no file left in the image store or the puller's work directory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { withHost } from '../helpers/host.js';
import { addAddress } from '../helpers/registry.js';
import { ROGUE_MODES, RogueRegistry, type RogueMode } from '../helpers/rogue-registry.js';

const ROGUE = '10.77.0.9';

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => !entry.isDirectory()).map((entry) => join(entry.parentPath ?? entry.path, entry.name)).sort();
}

test('a registry answering garbage: each mode is a clear pull error and nothing is stored', { timeout: 120_000 }, async () => {
  await withHost(async (host) => {
    await addAddress(host.netnsPath, `${ROGUE}/32`);
    const rogue = await RogueRegistry.start({ netns: host.netnsPath, address: ROGUE, port: 5099 });
    try {
      const store = join(host.dir, 'data', 'images');
      const before = await files(store);
      const modes = Object.keys(ROGUE_MODES) as RogueMode[];
      const results = await Promise.all(modes.map(async (mode) => ({ mode, result: await host.docker(['pull', rogue.reference(mode)], { timeoutMs: 30_000 }) })));
      for (const { mode, result } of results) {
        assert.notEqual(result.code, 0, `${mode}: the pull failed`);
        const message = result.stderr.trim();
        assert.ok(message.length > 0 && message.length < 2_000, `${mode}: a short message: ${message}`);
        assert.doesNotMatch(message, /\n\s+at |TypeError|undefined/, `${mode}: no stack or internal error: ${message}`);
        // Docker names the image, the registry, or (for a layer of wrong bytes, mid-stream) the digest.
        assert.ok(message.includes(`rogue/${mode}`) || message.includes(ROGUE) || /sha256:[0-9a-f]{64}/.test(message), `${mode}: the message names the image, registry or blob: ${message}`);
      }
      assert.deepEqual((await host.dockerOk(['images', '--format', '{{.Repository}}'])).split('\n'), ['busybox']);
      assert.deepEqual(await files(store), before, 'no file added to the image store');
      assert.deepEqual(await files(join(host.dir, 'data', 'pulls')), [], 'the puller left nothing');
      const asked = await rogue.requests();
      for (const mode of modes) assert.ok(asked.some((request) => request.path.startsWith(`/v2/rogue/${mode}/`)), `${mode} was asked`);
      for (const { mode, result } of results) console.log(`${mode}: ${result.stderr.trim()}`);
    } finally {
      await rogue.stop();
    }
  }, { config: { 'insecure-registries': [`${ROGUE}:5099`], 'registry-timeout': 3 } });
});
