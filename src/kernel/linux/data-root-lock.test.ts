import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockDataRoot } from './data-root-lock.js';

test('a data root is locked once: the second lock names the root and the holder pid; release frees it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'conet-lock-'));
  try {
    const first = await lockDataRoot(dir);
    assert.equal((await readFile(join(dir, 'conetd.lock'), 'utf8')).trim(), String(process.pid));
    await assert.rejects(lockDataRoot(dir), (error: Error & { kind?: string }) => {
      assert.equal(error.kind, 'unavailable');
      assert.match(error.message, new RegExp(`data root ${dir} is in use by another conetd \\(pid ${process.pid}`));
      return true;
    });
    await first.release();
    const again = await lockDataRoot(dir);
    await again.release();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
