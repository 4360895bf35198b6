import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { followsLast, linkTargetInRoot, lookupInRoot } from './root-paths.js';

async function withRoot(fn: (root: string, outside: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'conet-root-paths-'));
  try {
    await mkdir(join(dir, 'root/etc'), { recursive: true });
    await mkdir(join(dir, 'outside'));
    await writeFile(join(dir, 'outside/secret'), 'host\n');
    await fn(join(dir, 'root'), join(dir, 'outside'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function pathOf(root: string, path: string, followLast = followsLast(path)): Promise<string | undefined> {
  const entry = await lookupInRoot(root, path, { followLast });
  await entry?.handle.close();
  return entry?.path;
}

test('root paths: Docker follows the last component only after a trailing / or /.', () => {
  assert.deepEqual(['/x', '/x/', '/x/.', '/', 'x', '.'].map(followsLast), [false, true, true, true, false, true]);
});

test('root paths: symlinks to host paths resolve inside the root; canonical paths come back', async () => {
  await withRoot(async (root, outside) => {
    await symlink(outside, join(root, 'x'));
    assert.equal(await pathOf(root, '/x/secret'), undefined, 'the host directory is not reached');
    await symlink('/', join(root, 'up'));
    assert.equal(await pathOf(root, '/up/up/etc'), '/etc');
    assert.equal(await pathOf(root, '/etc/../../../etc/.'), '/etc', '.. stops at the root');
    await symlink('../../../../etc', join(root, 'etc/rel'));
    assert.equal(await pathOf(root, '/etc/rel/'), '/etc');
    const link = await lookupInRoot(root, '/up', { followLast: false });
    assert.ok(link?.stat.isSymbolicLink(), 'the last component is not followed');
    await link?.handle.close();
    assert.equal(await linkTargetInRoot(root, '/up'), '/');
    assert.equal(await linkTargetInRoot(root, '/x'), outside, 'a dangling link: its text, taken as a path inside the root');
    await writeFile(join(root, 'etc/file'), 'f');
    assert.equal(await pathOf(root, '/etc/file/more'), undefined, 'a file is no directory');
    await symlink('loop', join(root, 'loop'));
    await assert.rejects(lookupInRoot(root, '/loop/', { followLast: true }), /too many levels/);
  });
});
