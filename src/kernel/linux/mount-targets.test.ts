import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveMountTarget } from './mount-targets.js';

async function withRoot(fn: (root: string, outside: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'conet-mount-targets-'));
  try {
    await mkdir(join(dir, 'root/etc'), { recursive: true });
    await mkdir(join(dir, 'outside'));
    await fn(join(dir, 'root'), join(dir, 'outside'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('mount targets: a symlink to a host path leads inside the root, never out', async () => {
  await withRoot(async (root, outside) => {
    await symlink(outside, join(root, 'evil'));
    await symlink(`../../../../../../..${outside}`, join(root, 'etc/rel'));
    await symlink('/', join(root, 'up'));
    assert.equal(await resolveMountTarget(root, '/evil'), outside, 'the host path, taken as a path inside the root');
    assert.equal(await resolveMountTarget(root, '/etc/rel/sub'), `${outside}/sub`);
    assert.equal(await resolveMountTarget(root, '/up'), '/');
    assert.equal(await resolveMountTarget(root, '/up/up/etc'), '/etc');
    assert.deepEqual(await readdir(outside), [], 'nothing made on the host');
  });
});

test('mount targets: missing parts are plain names; files and loops are refused', async () => {
  await withRoot(async (root) => {
    assert.equal(await resolveMountTarget(root, '/a/b/c'), '/a/b/c');
    assert.equal(await resolveMountTarget(root, '/etc/new'), '/etc/new');
    await symlink('missing/../../etc', join(root, 'back'));
    assert.equal(await resolveMountTarget(root, '/back/x'), '/etc/x', '.. after a missing name goes back, and stops at the root');
    await writeFile(join(root, 'etc/file'), 'f');
    assert.equal(await resolveMountTarget(root, '/etc/file'), '/etc/file', 'a file is a fine target (a file bind)');
    await assert.rejects(resolveMountTarget(root, '/etc/file/x'), /not a directory/);
    await symlink('loop', join(root, 'loop'));
    await assert.rejects(resolveMountTarget(root, '/loop'), /too many levels/);
    assert.deepEqual((await readdir(root)).sort(), ['back', 'etc', 'loop'], 'resolving makes nothing');
  });
});
