/**
 * Attack tests of `docker cp` (issue 10, item 1): a container's symlinks to `/` and to host paths,
 * the same symlinks inside a volume and a bind mount (a path under a mount resolves inside the
 * mount's host directory), and the CVE-2018-15664 symlink-swap race (a loop inside the container swaps a directory and a
 * symlink to `/` while `docker cp` runs through that path, both ways). The host must never be
 * read (a host-only marker file's content never comes out) or written (the host marker directory
 * is unchanged). On a daemon that resolves the path and then walks it again on the host (Docker
 * before 19.03, or a naive host-path join), the race test reads and writes the marker directory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withHost, type TestHost } from '../helpers/host.js';

const unique = (): string => randomBytes(4).toString('hex');

interface Marker {
  /** A host directory only the host has: /tmp/conet-cp-attack-HEX. */
  dir: string;
  /** The content of its `secret`, never seen anywhere else. */
  secret: string;
}

async function hostMarker(): Promise<Marker> {
  const dir = join('/tmp', `conet-cp-attack-${unique()}`);
  const secret = `HOST-ONLY-${unique()}\n`;
  await mkdir(dir);
  await writeFile(join(dir, 'secret'), secret);
  return { dir, secret };
}

async function assertUntouched(marker: Marker, what: string): Promise<void> {
  assert.deepEqual(await readdir(marker.dir), ['secret'], `${what}: nothing written into the host directory`);
  assert.equal(await readFile(join(marker.dir, 'secret'), 'utf8'), marker.secret, `${what}: the host file is unchanged`);
}

async function waitReady(host: TestHost, name: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    // A stat through the API (`docker exec` would hang in runc on a FIFO at /etc/passwd).
    if ((await host.api('HEAD', `/v1.41/containers/${name}/archive?path=/ready`)).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name} never got ready`);
}

test('docker cp: symlinks to / and to host paths never reach the host, either way', async () => {
  const marker = await hostMarker();
  const local = await mkdtemp(join(tmpdir(), 'conet-cp-attack-local-'));
  const dropped = `dropped-${unique()}`;
  try {
    await writeFile(join(local, dropped), 'from the client\n');
    await withHost(async (host) => {
      await host.dockerOk(['run', '-d', '--name', 'links', 'busybox', 'sh', '-c',
        `ln -s ${marker.dir} /x && ln -s / /r && ln -s ../../../../../../..${marker.dir} /rel && touch /ready && sleep 600`]);
      await waitReady(host, 'links');
      const outs = await Promise.all([
        host.docker(['cp', 'links:/x/secret', '-']),
        host.docker(['cp', 'links:/x/.', join(local, 'out-x')]),
        host.docker(['cp', `links:/r${marker.dir}/secret`, '-']),
        host.docker(['cp', 'links:/rel/secret', '-']),
        host.docker(['cp', '-L', 'links:/x', join(local, 'out-l')]),
      ]);
      for (const [index, out] of outs.entries()) {
        assert.notEqual(out.code, 0, `copy-out ${index} finds nothing: the container has no ${marker.dir}`);
        assert.ok(!out.stdout.includes(marker.secret.trim()), `copy-out ${index} never carries the host's secret`);
      }
      const ins = await Promise.all([
        host.docker(['cp', join(local, dropped), 'links:/x/']),
        host.docker(['cp', join(local, dropped), `links:/r${marker.dir}/`]),
        host.docker(['cp', join(local, dropped), 'links:/rel/']),
        host.docker(['cp', join(local, dropped), 'links:/r/tmp/']),
      ]);
      assert.deepEqual(ins.map((result) => result.code !== 0), [true, true, true, false], 'into missing directories fails; /r/tmp is the container\'s /tmp');
      assert.equal(await host.dockerOk(['exec', 'links', 'cat', `/tmp/${dropped}`]), 'from the client');
      await assertUntouched(marker, 'symlinks');
      assert.equal(await readFile(join('/tmp', dropped), 'utf8').catch(() => 'absent'), 'absent', "the host's /tmp got nothing");
    });
  } finally {
    await rm(marker.dir, { recursive: true, force: true });
    await rm(local, { recursive: true, force: true });
    await rm(join('/tmp', dropped), { force: true });
  }
});

test('docker cp through a volume and a bind: symlinks in the mount resolve inside it, never on the host', async () => {
  const marker = await hostMarker();
  const local = await mkdtemp(join(tmpdir(), 'conet-cp-attack-mount-'));
  const dropped = `dropped-${unique()}`;
  try {
    const bound = join(local, 'bound');
    await mkdir(bound);
    await writeFile(join(local, dropped), 'from the client\n');
    await withHost(async (host) => {
      // In the volume and in the bind: links to the host directory, to /, and climbing out relatively.
      const links = (at: string): string => `ln -s ${marker.dir} ${at}/x && ln -s / ${at}/r && ln -s ../../../../../../..${marker.dir} ${at}/rel`;
      await host.dockerOk(['run', '-d', '--name', 'mlinks', '-v', 'attackvol:/vol', '-v', `${bound}:/bind`, 'busybox', 'sh', '-c',
        `${links('/vol')} && ${links('/bind')} && touch /ready && sleep 600`]);
      await waitReady(host, 'mlinks');
      const outs = await Promise.all(['/vol', '/bind'].flatMap((at) => [
        host.docker(['cp', `mlinks:${at}/x/secret`, '-']),
        host.docker(['cp', `mlinks:${at}/r${marker.dir}/secret`, '-']),
        host.docker(['cp', `mlinks:${at}/rel/secret`, '-']),
        host.docker(['cp', '-L', `mlinks:${at}/x`, join(local, `out-${at.slice(1)}`)]),
      ]));
      for (const [index, out] of outs.entries()) {
        assert.notEqual(out.code, 0, `copy-out ${index} finds nothing: neither the mount nor the container has ${marker.dir}`);
        assert.ok(!out.stdout.includes(marker.secret.trim()), `copy-out ${index} never carries the host's secret`);
      }
      const ins = await Promise.all(['/vol', '/bind'].flatMap((at) => [
        host.docker(['cp', join(local, dropped), `mlinks:${at}/x/`]),
        host.docker(['cp', join(local, dropped), `mlinks:${at}/r${marker.dir}/`]),
        host.docker(['cp', join(local, dropped), `mlinks:${at}/rel/`]),
        host.docker(['cp', join(local, dropped), `mlinks:${at}/r/`]),
      ]));
      // /r is "/" of the mount itself: the copy lands in the mount, nowhere else.
      assert.deepEqual(ins.map((result) => result.code !== 0), [true, true, true, false, true, true, true, false], ins.map((result) => result.stderr).join(' | '));
      assert.equal(await host.dockerOk(['exec', 'mlinks', 'cat', `/vol/${dropped}`, `/bind/${dropped}`]), 'from the client\nfrom the client');
      assert.equal(await readFile(join(bound, dropped), 'utf8'), 'from the client\n');
      await assertUntouched(marker, 'symlinks in mounts');
      assert.equal(await readFile(join('/', dropped), 'utf8').catch(() => 'absent'), 'absent', "the host's / got nothing");
    });
  } finally {
    await rm(marker.dir, { recursive: true, force: true });
    await rm(local, { recursive: true, force: true });
  }
});

/** The swap loop of the published PoC (renameat2 exchange), with busybox mv: /w/link is a directory, then a symlink to /, and so on. */
function swapLoop(markerDir: string): string {
  return [
    `mkdir -p /w/link${markerDir} ${markerDir}`,
    `echo container-dir > /w/link${markerDir}/secret`,
    `echo container-root > ${markerDir}/secret`,
    'ln -s / /w/b',
    'touch /ready',
    'while :; do mv /w/link /w/a; mv /w/b /w/link; mv /w/a /w/b; done',
  ].join(' && ');
}

test('docker cp: the CVE-2018-15664 symlink-swap race reads and writes nothing on the host', async () => {
  const marker = await hostMarker();
  const local = await mkdtemp(join(tmpdir(), 'conet-cp-attack-local-'));
  const dropped = `dropped-${unique()}`;
  const rounds = 30;
  try {
    await writeFile(join(local, dropped), 'from the client\n');
    await withHost(async (host) => {
      await host.dockerOk(['run', '-d', '--name', 'race', 'busybox', 'sh', '-c', swapLoop(marker.dir)]);
      await waitReady(host, 'race');
      const source = `race:/w/link${marker.dir}/secret`;
      const target = `race:/w/link${marker.dir}/`;
      const seen = new Map<string, number>();
      let copiedIn = 0;
      // Two lanes out and two in, interleaved, so the daemon is always in the middle of one.
      const lane = async (direction: 'out' | 'in'): Promise<void> => {
        for (let round = 0; round < rounds; round++) {
          if (direction === 'out') {
            const out = await host.docker(['cp', source, '-'], { timeoutMs: 60_000 });
            const what = out.code !== 0 ? 'failed' : out.stdout.includes(marker.secret.trim()) ? 'HOST' : /container-(dir|root)/.exec(out.stdout)?.[0] ?? 'other';
            seen.set(what, (seen.get(what) ?? 0) + 1);
          } else if ((await host.docker(['cp', join(local, dropped), target], { timeoutMs: 60_000 })).code === 0) copiedIn += 1;
        }
      };
      await Promise.all([lane('out'), lane('in'), lane('out'), lane('in')]);
      await assertUntouched(marker, 'race');
      assert.equal(seen.get('HOST') ?? 0, 0, `the host's secret never came out: ${JSON.stringify([...seen])}`);
      assert.equal(seen.get('other') ?? 0, 0, `a copy that succeeds carries one of the container's files: ${JSON.stringify([...seen])}`);
      assert.ok((seen.get('container-dir') ?? 0) + (seen.get('container-root') ?? 0) > 0, `some copies went through: ${JSON.stringify([...seen])}`);
      assert.ok(copiedIn > 0, 'some copies in went through');
      process.stdout.write(`# race: out ${JSON.stringify(Object.fromEntries(seen))}, in ${copiedIn}/${2 * rounds}\n`);
    });
  } finally {
    await rm(marker.dir, { recursive: true, force: true });
    await rm(local, { recursive: true, force: true });
  }
});

test('docker cp: a FIFO planted at /etc/passwd fails a copy-out in bounded time and holds nothing', async () => {
  await withHost(async (host) => {
    await host.dockerOk(['run', '-d', '--name', 'fifo', 'busybox', 'sh', '-c', 'rm /etc/passwd && mkfifo /etc/passwd && touch /ready && sleep 600']);
    await waitReady(host, 'fifo');
    const started = Date.now();
    const out = await host.docker(['cp', 'fifo:/bin/busybox', '-'], { timeoutMs: 120_000 });
    assert.notEqual(out.code, 0, 'the tar (busybox reads /etc/passwd for owner names) is stopped');
    assert.match(out.stderr, /wrote nothing/);
    assert.ok(Date.now() - started < 60_000, `failed after ${Date.now() - started} ms`);
    assert.equal((await host.api('GET', '/_ping')).status, 200);
    const removed = await host.docker(['rm', '-f', 'fifo'], { timeoutMs: 60_000 });
    assert.equal(removed.code, 0, `the container's lock is free: ${removed.stderr}`);
  });
});
