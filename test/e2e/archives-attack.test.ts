/**
 * Attack tests of issue 10, items 1 and 5: crafted `docker load` archives (symlinks from an earlier
 * layer followed by a later one, whiteouts and opaque whiteouts through them, `..`, absolute names,
 * hardlinks to host files, device nodes, a manifest and layers pointing outside the archive) must
 * leave the host untouched; `exec -u` must read the container's own /etc/passwd, never a host file
 * through a symlink, and never hang on a FIFO planted there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/exec/index.js';
import { buildBusyboxRootfs } from '../../src/runtime/images/busybox.js';
import { withHost, type TestHost } from '../helpers/host.js';
import { saveArchiveOf, sha256, tarOf, type TarEntry } from '../helpers/tar.js';

const unique = (): string => randomBytes(4).toString('hex');

async function busyboxLayer(dir: string): Promise<Buffer> {
  const rootfs = join(dir, 'busybox');
  await mkdir(rootfs);
  await buildBusyboxRootfs(rootfs);
  await run(['tar', '-C', rootfs, '-c', '-f', join(dir, 'busybox.tar'), '.']);
  return readFile(join(dir, 'busybox.tar'));
}

/** POST /images/load with the archive's bytes; the status and body as the daemon answered. */
async function load(host: TestHost, dir: string, archive: Buffer): Promise<{ status: number; body: string }> {
  const file = join(dir, `${unique()}.tar`);
  await writeFile(file, archive);
  const argv = ['curl', '-sS', '--max-time', '60', '--unix-socket', host.socket, '-X', 'POST', '-H', 'Content-Type: application/x-tar',
    '--data-binary', `@${file}`, '-o', '-', '-w', '\n%{http_code}', 'http://docker/v1.41/images/load'];
  const result = await run(argv, { allowFailure: true, timeoutMs: 90_000 });
  const at = result.stdout.lastIndexOf('\n');
  return { status: Number(result.stdout.slice(at + 1)), body: result.stdout.slice(0, at) };
}

/** Either loaded (200) or refused with a 4xx and a message: never a 500. */
function loadedOrRefused(answer: { status: number; body: string }, what: string): boolean {
  assert.ok(answer.status === 200 || (answer.status >= 400 && answer.status < 500), `${what}: ${answer.status} ${answer.body}`);
  if (answer.status !== 200) assert.match(answer.body, /"message"/);
  return answer.status === 200 && !answer.body.includes('"error"');
}

test('docker load: a symlink from layer 1 followed by layer 2 writes and whiteouts nothing on the host', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'conet-attack-'));
  const hostDir = join('/tmp', `conet-attack-host-${unique()}`);
  const opaqueDir = join('/tmp', `conet-attack-opq-${unique()}`);
  try {
    await mkdir(hostDir);
    await writeFile(join(hostDir, 'keep'), 'host file\n');
    await mkdir(opaqueDir);
    await writeFile(join(opaqueDir, 'a'), 'a\n');
    await writeFile(join(opaqueDir, 'b'), 'b\n');
    const base = await busyboxLayer(dir);
    const symlinkLayer = tarOf([{ name: 'd', type: 'symlink', linkname: hostDir }]);
    const attack = saveArchiveOf({
      tag: 'attack:whiteout',
      layers: [base, symlinkLayer, tarOf([{ name: 'd/owned', data: 'owned\n' }, { name: 'd/.wh.keep' }])],
    });
    const opaque = saveArchiveOf({
      tag: 'attack:opaque',
      layers: [tarOf([{ name: 'e', type: 'symlink', linkname: opaqueDir }]), tarOf([{ name: 'e/.wh..wh..opq' }, { name: 'e/x', data: 'x\n' }])],
    });
    const symlinkOnly = saveArchiveOf({ tag: 'attack:symlink', layers: [base, symlinkLayer] });
    await withHost(async (host) => {
      const answers = await Promise.all([load(host, dir, attack), load(host, dir, opaque), load(host, dir, symlinkOnly)]);
      assert.deepEqual((await readdir(hostDir)).sort(), ['keep'], 'nothing created or deleted in the host directory');
      assert.equal(await readFile(join(hostDir, 'keep'), 'utf8'), 'host file\n');
      assert.deepEqual((await readdir(opaqueDir)).sort(), ['a', 'b'], 'the opaque whiteout emptied nothing on the host');
      const [whiteout, , symlink] = answers.map((answer, index) => loadedOrRefused(answer!, `load ${index}`));
      if (symlink) {
        const seen = await host.docker(['run', '--rm', 'attack:symlink', 'sh', '-c', `readlink /d; cat /d/keep || echo dangling`]);
        assert.equal(seen.stdout, `${hostDir}\ndangling\n`, 'the container sees its own d, dangling inside its root');
      }
      if (whiteout) {
        const seen = await host.docker(['run', '--rm', 'attack:whiteout', 'sh', '-c', 'cat /d/owned; ls -A /d']);
        assert.equal(seen.stdout, 'owned\nowned\n', 'layer 2 wrote into the image, not through the symlink');
      }
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
    await rm(hostDir, { recursive: true, force: true });
    await rm(opaqueDir, { recursive: true, force: true });
  }
});

test('docker load: .., absolute names, hardlinks to host files, device nodes and an outer archive pointing outside', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'conet-attack-'));
  const target = join('/tmp', `conet-attack-target-${unique()}`);
  try {
    await mkdir(target);
    const hostTar = join(target, 'host-layer.tar');
    const hostLayer = tarOf([{ name: 'secret', data: 'host secret\n' }]);
    await writeFile(hostTar, hostLayer);
    const base = await busyboxLayer(dir);
    const shadowLinks = (await stat('/etc/shadow')).nlink;
    const layer = (entries: TarEntry[]): Buffer => tarOf(entries);
    const archives: Array<[string, Buffer]> = [
      ['dotdot', saveArchiveOf({ tag: 'attack:dotdot', layers: [layer([{ name: `${'../'.repeat(12)}${target.slice(1)}/dotdot`, data: 'x' }])] })],
      ['absolute', saveArchiveOf({ tag: 'attack:abs', layers: [layer([{ name: `${target}/abs`, data: 'x' }])] })],
      ['hardlink', saveArchiveOf({ tag: 'attack:hardlink', layers: [base, layer([{ name: 'shadow', type: 'hardlink', linkname: '/etc/shadow' }, { name: 'passwd-link', type: 'hardlink', linkname: '../../../../../../etc/passwd' }])] })],
      ['device', saveArchiveOf({ tag: 'attack:device', layers: [base, layer([{ name: 'evil-null', type: 'char', devmajor: 1, devminor: 3, mode: 0o666 }, { name: 'evil-disk', type: 'block', devmajor: 8, devminor: 0 }])] })],
      ['manifest', saveArchiveOf({ tag: 'attack:manifest', layers: [], manifestConfig: '../../etc/passwd' })],
      ['config-symlink', saveArchiveOf({ tag: 'attack:config', layers: [], manifestConfig: 'c.json' }, [{ name: 'c.json', type: 'symlink', linkname: '/etc/passwd' }])],
      ['layer-symlink', saveArchiveOf({ tag: 'attack:layer', layers: [hostLayer], manifestLayers: ['host.tar'] }, [{ name: 'host.tar', type: 'symlink', linkname: hostTar }])],
      ['outer-dotdot', tarOf([{ name: `${'../'.repeat(12)}${target.slice(1)}/outer`, data: 'x' }, { name: 'manifest.json', data: '[]' }])],
    ];
    await withHost(async (host) => {
      const answers = new Map(await Promise.all(archives.map(async ([name, archive]) => [name, await load(host, dir, archive)] as const)));
      assert.deepEqual(await readdir(target), ['host-layer.tar'], 'nothing written next to the target');
      assert.equal((await stat('/etc/shadow')).nlink, shadowLinks, 'no hard link to /etc/shadow');
      for (const [name, answer] of answers) loadedOrRefused(answer, name);
      for (const name of ['manifest', 'config-symlink', 'layer-symlink', 'outer-dotdot']) {
        assert.ok(answers.get(name)!.status >= 400 && answers.get(name)!.status < 500, `${name} is refused: ${JSON.stringify(answers.get(name))}`);
      }
      if (answers.get('hardlink')!.status === 200) {
        const seen = await host.docker(['run', '--rm', 'attack:hardlink', 'sh', '-c', 'cat /shadow /passwd-link 2>/dev/null; true']);
        assert.doesNotMatch(seen.stdout, /^root:[^:]*:\d+:/m, 'no host account file reached the image');
      }
      if (answers.get('device')!.status === 200) {
        const seen = await host.docker(['run', '--rm', 'attack:device', 'sh', '-c', 'ls -l /evil-null /evil-disk 2>&1; true']);
        assert.doesNotMatch(seen.stdout, /^[cb]/m, `no device node in the image: ${seen.stdout}`);
      }
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
    await rm(target, { recursive: true, force: true });
  }
});

test('exec -u reads the container\'s own /etc/passwd: a planted FIFO fails fast, a symlink reads no host file', async () => {
  const hostPasswd = join('/tmp', `conet-attack-passwd-${unique()}`);
  try {
    await writeFile(hostPasswd, 'evil:x:4242:4242::/:/bin/sh\n');
    await withHost(async (host) => {
      const fifo = await host.dockerOk(['run', '-d', 'busybox', 'sh', '-c', 'rm /etc/passwd && mkfifo /etc/passwd && sleep 600']);
      const link = await host.dockerOk(['run', '-d', 'busybox', 'sh', '-c', `rm /etc/passwd && ln -s ${hostPasswd} /etc/passwd && sleep 600`]);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const started = Date.now();
      const [blocked, viaLink] = await Promise.all([
        host.docker(['exec', '-u', 'nobody', fifo, 'id'], { timeoutMs: 10_000 }).catch((error: Error) => ({ code: -1, stdout: '', stderr: error.message })),
        host.docker(['exec', '-u', 'evil', link, 'id', '-u'], { timeoutMs: 10_000 }).catch((error: Error) => ({ code: -1, stdout: '', stderr: error.message })),
      ]);
      assert.ok(Date.now() - started < 5_000, `exec answered quickly (${Date.now() - started} ms)`);
      assert.notEqual(blocked.code, 0);
      assert.match(blocked.stdout + blocked.stderr, /\/etc\/passwd is not a regular file/, JSON.stringify(blocked));
      assert.notEqual(viaLink.stdout.trim(), '4242', 'the host file was not read');
      assert.match(viaLink.stdout + viaLink.stderr, /unable to find user evil/);
      const ping = await host.api('GET', '/_ping');
      assert.equal(ping.status, 200);
      assert.equal(await host.dockerOk(['exec', link, 'echo', 'alive']), 'alive', 'the daemon still runs execs');
    });
  } finally {
    await rm(hostPasswd, { force: true });
  }
});
