import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { decodeContainerCreate } from '../../api/decode/container-create.js';
import type { PathStat } from '../../model/path-stat.js';
import { ContainerArchives } from './container-archive.js';
import { containerFixture } from './container-service.test-support.js';
import type { ContainerFiles } from './dependencies.js';

const STAT: PathStat = { name: 'a', size: 1, mode: 0o100644, mtime: new Date(0), linkTarget: '' };

/** Files on a fake root: `/a` is a file, `/d` a directory; the tar fails when `failTar` says so. */
function fakeFiles(options: { failTar?: boolean; vanish?: boolean } = {}) {
  const roots: string[] = [];
  const files: ContainerFiles = {
    withRoot: async (directory, _layers, task) => {
      roots.push(directory);
      return task('/root');
    },
    stat: async (_root, path) => (path === '/a' ? STAT : undefined),
    read: async () => {
      if (options.vanish) return undefined;
      return { stream: Readable.from([Buffer.from('tar')]), done: options.failTar ? Promise.reject(new Error('tar died')) : Promise.resolve(), cancel: () => undefined };
    },
    extract: async (_root, path, input) => {
      input.resume();
      if (path === '/d') return 'done';
      return path === '/a' ? 'not-directory' : 'missing';
    },
  };
  return { files, roots };
}

test('container archives: Docker errors for missing containers and paths; the archive streams under the lock', async () => {
  const fixture = await containerFixture();
  try {
    const { id } = await fixture.service.create(decodeContainerCreate({ Image: 'busybox' }), 'box');
    const { files, roots } = fakeFiles();
    const archives = new ContainerArchives(fixture.service, files, { layersOf: () => [] });
    assert.deepEqual(await archives.stat('box', '/a'), STAT);
    assert.equal(roots[0], fixture.service.directoryOf(id), 'the container directory of the id, not of the name');
    await assert.rejects(archives.stat('box', '/nope'), { kind: 'not-found', message: 'Could not find the file /nope in container box' });
    await assert.rejects(archives.stat('ghost', '/a'), { kind: 'not-found', message: 'No such container: ghost' });
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (chunk: Buffer) => chunks.push(chunk));
    await archives.read('box', '/a', async (stat, archive) => {
      assert.equal(stat.name, 'a');
      for await (const chunk of archive) sink.write(chunk);
    });
    assert.equal(Buffer.concat(chunks).toString(), 'tar');
    await assert.rejects(archives.extract('box', '/a', Readable.from([]), { noOverwriteDirNonDir: true, copyUidGid: false }), { kind: 'invalid', message: 'extraction point is not a directory' });
    await assert.rejects(archives.extract('box', '/x', Readable.from([]), { noOverwriteDirNonDir: true, copyUidGid: false }), { kind: 'not-found' });
    await archives.extract('box', '/d', Readable.from([]), { noOverwriteDirNonDir: true, copyUidGid: true });
  } finally {
    await fixture.done();
  }
});

test('container archives: a tar that fails or finds the path gone is an error, not a quiet success', async () => {
  const fixture = await containerFixture();
  try {
    await fixture.service.create(decodeContainerCreate({ Image: 'busybox' }), 'box');
    const failing = new ContainerArchives(fixture.service, fakeFiles({ failTar: true }).files, { layersOf: () => [] });
    await assert.rejects(failing.read('box', '/a', async (_stat, archive) => void archive.resume()), /tar died/);
    const vanished = new ContainerArchives(fixture.service, fakeFiles({ vanish: true }).files, { layersOf: () => [] });
    await assert.rejects(vanished.read('box', '/a', async () => undefined), { kind: 'not-found' });
  } finally {
    await fixture.done();
  }
});

test("container archives: a path under a bind or volume goes to the mount's host directory; a read-only one takes nothing; a tmpfs stays a 501", async () => {
  const fixture = await containerFixture();
  try {
    await fixture.service.create(decodeContainerCreate({ Image: 'busybox', HostConfig: { Binds: ['/srv/data:/mnt', '/srv/ro:/mnt/ro:ro'], Tmpfs: { '/run/t': '' } } }), 'box');
    const seen: Array<[string, string]> = [];
    const binds: unknown[] = [];
    const files: ContainerFiles = {
      withRoot: async (_directory, _layers, task) => task('/root'),
      stat: async (root, path) => (seen.push([root, path]), { ...STAT, name: path.split('/').at(-1) || '/' }),
      read: async (_root, _path, given) => (binds.push(given), { stream: Readable.from([]), done: Promise.resolve(), cancel: () => undefined }),
      extract: async (root, path, input) => (input.resume(), seen.push([root, path]), 'done'),
    };
    const archives = new ContainerArchives(fixture.service, files, { layersOf: () => [] }, (name) => `/volumes/${name}/_data`);
    assert.equal((await archives.stat('box', '/mnt')).name, 'mnt', 'the mount point is named as the container names it');
    await archives.stat('box', 'mnt/f');
    await archives.stat('box', '/mnt/.');
    await archives.stat('box', '/mnt/ro/x/');
    await archives.stat('box', '/mntx');
    assert.deepEqual(seen.splice(0), [['/srv/data', '/'], ['/srv/data', '/f'], ['/srv/data', '/.'], ['/srv/ro', '/x/'], ['/root', '/mntx']]);
    await archives.read('box', '/mnt/f', async (_stat, archive) => void archive.resume());
    assert.deepEqual(binds, [[{ destination: '/mnt', source: '/srv/data', readOnly: false }, { destination: '/mnt/ro', source: '/srv/ro', readOnly: true }]], 'the tar gets every bind, outer first');
    seen.length = 0;
    await archives.extract('box', '/mnt/sub', Readable.from([]), { noOverwriteDirNonDir: true, copyUidGid: false });
    assert.deepEqual(seen, [['/srv/data', '/sub']]);
    await assert.rejects(archives.extract('box', '/mnt/ro', Readable.from([]), { noOverwriteDirNonDir: true, copyUidGid: false }), { kind: 'invalid', message: 'mounted volume is marked read-only' });
    await assert.rejects(archives.extract('box', '/run/t/', Readable.from([]), { noOverwriteDirNonDir: true, copyUidGid: false }), { kind: 'not-implemented', message: "conet does not support docker cp through the container's tmpfs mount at /run/t yet" });
  } finally {
    await fixture.done();
  }
});
