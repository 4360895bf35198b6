import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../exec/index.js';
import { readFileInRoot } from './root-files.js';

async function withRoot(fn: (root: string, outside: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'conet-root-files-'));
  try {
    await mkdir(join(dir, 'root/etc'), { recursive: true });
    await writeFile(join(dir, 'host-secret'), 'host:x:1:1::/:/bin/sh\n');
    await fn(join(dir, 'root'), join(dir, 'host-secret'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('root files: symlinks resolve inside the root, never to the host file they name', async () => {
  await withRoot(async (root, outside) => {
    await symlink(outside, join(root, 'etc/passwd'));
    assert.equal(await readFileInRoot(root, 'etc/passwd', 1024), undefined, 'absolute link: dangling inside the root');
    await symlink('../../../../../../..' + outside, join(root, 'etc/group'));
    assert.equal(await readFileInRoot(root, '/etc/group', 1024), undefined, 'relative link with ..: stops at the root');
    await mkdir(join(root, root, '..'), { recursive: true });
    await writeFile(join(root, outside), 'inside\n');
    assert.equal(await readFileInRoot(root, 'etc/passwd', 1024), 'inside\n', 'the same path inside the root is read');
    await symlink('/', join(root, 'up'));
    await writeFile(join(root, 'etc/hosts'), 'hosts\n');
    assert.equal(await readFileInRoot(root, 'up/up/../etc/hosts', 1024), 'hosts\n');
    await symlink('loop', join(root, 'loop'));
    await assert.rejects(readFileInRoot(root, 'loop', 1024), /too many levels of symbolic links/);
  });
});

test('root files: a FIFO or a directory is refused at once, a large file past the cap', async () => {
  await withRoot(async (root) => {
    await run(['mkfifo', join(root, 'etc/passwd')]);
    const started = Date.now();
    await assert.rejects(readFileInRoot(root, 'etc/passwd', 1024), /not a regular file/);
    assert.ok(Date.now() - started < 1000);
    await assert.rejects(readFileInRoot(root, 'etc', 1024), /not a regular file/);
    await writeFile(join(root, 'etc/big'), 'x'.repeat(2048));
    await assert.rejects(readFileInRoot(root, 'etc/big', 1024), /larger than 1024 bytes/);
    assert.equal(await readFileInRoot(root, 'etc/missing/file', 1024), undefined);
  });
});
