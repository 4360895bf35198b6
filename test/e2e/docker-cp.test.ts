/**
 * `docker cp` with the real docker CLI (issue 10, item 1): out of and into running and stopped
 * containers, files and directories, Docker's errors for missing paths, and a symlink inside the
 * container to an absolute path (`/etc/shadow`-like) that resolves inside the container's root;
 * through a bind mount and a named volume (both ways, a directory round trip), `:ro` refused with
 * Docker's 400, a tmpfs still a 501.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/exec/index.js';
import { withHost } from '../helpers/host.js';

/** Member names of a tar on stdin. */
async function members(tar: string | Buffer): Promise<string[]> {
  const file = join(tmpdir(), `conet-cp-${process.pid}-${Date.now()}.tar`);
  await writeFile(file, tar);
  try {
    return (await run(['tar', '-tf', file])).stdout.split('\n').filter(Boolean);
  } finally {
    await rm(file, { force: true });
  }
}

test('docker cp: files and directories out of and into a running and a stopped container', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'conet-cp-'));
  try {
    await withHost(async (host) => {
      await host.dockerOk(['run', '-d', '--name', 'cp1', '--hostname', 'cp-host', 'busybox', 'sh', '-c',
        'mkdir -p /data/sub && echo one > /data/a && echo two > /data/sub/b && echo inside-shadow > /etc/shadow && ln -sfn /etc/shadow /data/link && sleep 600']);
      await host.dockerOk(['exec', 'cp1', 'ls', '/data/link']);
      // A file to stdout (a tar): /etc/hostname is the file conet mounts into the container.
      const out = await host.docker(['cp', 'cp1:/etc/hostname', '-']);
      assert.equal(out.code, 0, out.stderr);
      assert.deepEqual(await members(out.stdout), ['hostname']);
      assert.match(out.stdout, /cp-host\n/, 'the hostname conet wrote, as the container sees it');
      // A directory out.
      assert.equal((await host.docker(['cp', 'cp1:/data', join(dir, 'out')])).code, 0);
      assert.equal(await readFile(join(dir, 'out/a'), 'utf8'), 'one\n');
      assert.equal(await readFile(join(dir, 'out/sub/b'), 'utf8'), 'two\n');
      // A file and a directory in.
      await writeFile(join(dir, 'file'), 'from the host\n');
      await mkdir(join(dir, 'tree/deep'), { recursive: true });
      await writeFile(join(dir, 'tree/deep/c'), 'three\n');
      const put = await host.docker(['cp', join(dir, 'file'), 'cp1:/tmp/']);
      assert.equal(put.code, 0, put.stderr);
      assert.equal((await host.docker(['cp', join(dir, 'tree'), 'cp1:/tmp/tree'])).code, 0);
      assert.equal(await host.dockerOk(['exec', 'cp1', 'cat', '/tmp/file', '/tmp/tree/deep/c']), 'from the host\nthree');
      // The symlink to an absolute path: `cp -L` follows it inside the container's root.
      assert.equal((await host.docker(['cp', '-L', 'cp1:/data/link', join(dir, 'shadow')])).code, 0);
      assert.equal(await readFile(join(dir, 'shadow'), 'utf8'), 'inside-shadow\n', "the container's /etc/shadow, not the host's");
      const stat = await host.api('HEAD', '/v1.41/containers/cp1/archive?path=/data/link');
      assert.equal(stat.status, 200);
      // Stopped: the root is mounted for the copy.
      await host.dockerOk(['stop', '-t', '0', 'cp1']);
      const stopped = await host.docker(['cp', 'cp1:/data/a', '-']);
      assert.equal(stopped.code, 0, stopped.stderr);
      assert.match(stopped.stdout, /one\n/);
      assert.equal((await host.docker(['cp', join(dir, 'file'), 'cp1:/data/'])).code, 0);
      await host.dockerOk(['start', 'cp1']);
      assert.equal(await host.dockerOk(['exec', 'cp1', 'cat', '/data/file']), 'from the host');
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("docker cp: a missing path is a 404 in Docker's words; a file is no extraction point", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'conet-cp-'));
  try {
    await withHost(async (host) => {
      await host.dockerOk(['create', '--name', 'cp2', 'busybox', 'true']);
      const missing = await host.docker(['cp', 'cp2:/no/such/file', '-']);
      assert.notEqual(missing.code, 0);
      assert.match(missing.stderr, /Could not find the file \/no\/such\/file in container cp2|No such container:path/);
      const raw = await host.api('GET', '/v1.41/containers/cp2/archive?path=/no/such/file');
      assert.deepEqual([raw.status, JSON.parse(raw.body)], [404, { message: 'Could not find the file /no/such/file in container cp2' }]);
      assert.equal((await host.api('GET', '/v1.41/containers/nope/archive?path=/')).status, 404);
      assert.equal((await host.api('GET', '/v1.41/containers/cp2/archive')).status, 400);
      await writeFile(join(dir, 'f'), 'x');
      const notDir = await host.api('PUT', '/v1.41/containers/cp2/archive?path=/bin/busybox', '');
      assert.deepEqual([notDir.status, JSON.parse(notDir.body)], [400, { message: 'extraction point is not a directory' }]);
      const intoMissing = await host.api('PUT', '/v1.41/containers/cp2/archive?path=/no/dir', '');
      assert.equal(intoMissing.status, 404);
      const put = await host.docker(['cp', join(dir, 'f'), 'cp2:/no/dir/']);
      assert.notEqual(put.code, 0, 'copying into a missing directory fails');
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('docker cp through a bind mount and a named volume: into and out of the mount, a directory round trip; :ro refuses; tmpfs stays a 501', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'conet-cp-mounts-'));
  try {
    const bound = join(dir, 'bound');
    await mkdir(join(bound, 'sub'), { recursive: true });
    await writeFile(join(bound, 'sub/host-file'), 'on the host\n');
    await writeFile(join(dir, 'file'), 'copied in\n');
    await mkdir(join(dir, 'tree/deep'), { recursive: true });
    await writeFile(join(dir, 'tree/deep/c'), 'deep\n');
    await withHost(async (host) => {
      await host.dockerOk(['run', '-d', '--name', 'mnt', '-v', `${bound}:/data`, '-v', 'cpvol:/vol', '-v', `${bound}:/ro:ro`, '--tmpfs', '/scratch', 'busybox', 'sh', '-c',
        'echo from-volume > /vol/v && sleep 600']);
      await host.dockerOk(['exec', 'mnt', 'cat', '/vol/v']);
      // Out of a bind: the host's file as the container sees it, by file and by directory.
      const file = await host.docker(['cp', 'mnt:/data/sub/host-file', '-']);
      assert.equal(file.code, 0, file.stderr);
      assert.deepEqual(await members(file.stdout), ['host-file']);
      assert.match(file.stdout, /on the host\n/);
      assert.equal((await host.docker(['cp', 'mnt:/data', join(dir, 'out-data')])).code, 0);
      assert.equal(await readFile(join(dir, 'out-data/sub/host-file'), 'utf8'), 'on the host\n');
      const whole = await host.docker(['cp', 'mnt:/vol', '-']);
      assert.deepEqual((await members(whole.stdout)).sort(), ['vol/', 'vol/v'], 'the mount point itself, named as the container names it');
      // Into a bind and a volume: seen inside the container and in the host directory.
      assert.equal((await host.docker(['cp', join(dir, 'file'), 'mnt:/data/sub/'])).code, 0);
      assert.equal(await readFile(join(bound, 'sub/file'), 'utf8'), 'copied in\n');
      const put = await host.docker(['cp', join(dir, 'tree'), 'mnt:/vol/tree']);
      assert.equal(put.code, 0, put.stderr);
      assert.equal(await host.dockerOk(['exec', 'mnt', 'cat', '/data/sub/file', '/vol/tree/deep/c']), 'copied in\ndeep');
      // A directory round trip through the volume.
      assert.equal((await host.docker(['cp', 'mnt:/vol/tree', join(dir, 'back')])).code, 0);
      assert.equal(await readFile(join(dir, 'back/deep/c'), 'utf8'), 'deep\n');
      // A read-only mount takes nothing (Docker's 400); a tmpfs has no host directory: 501.
      const ro = await host.docker(['cp', join(dir, 'file'), 'mnt:/ro/']);
      assert.notEqual(ro.code, 0);
      assert.match(ro.stderr, /mounted volume is marked read-only/);
      const tmpfs = await host.api('PUT', '/v1.41/containers/mnt/archive?path=/scratch', '');
      assert.equal(tmpfs.status, 501, tmpfs.body);
      assert.match(tmpfs.body, /tmpfs mount at \/scratch/);
      // Stopped: the same through the mounts.
      await host.dockerOk(['stop', '-t', '0', 'mnt']);
      const stopped = await host.docker(['cp', 'mnt:/vol/v', '-']);
      assert.match(stopped.stdout, /from-volume\n/, stopped.stderr);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
