/**
 * Bind and tmpfs mounts (issue 12, item 2) with the real docker CLI, each shown from inside the
 * container: a host file read through `-v`, `:ro` and `--mount readonly` refusing writes, the
 * mount table (/proc/mounts) with the options Docker gives, `--tmpfs` and `--mount type=tmpfs`
 * with their size and mode, bind propagation (a host mount made after the start reaches an
 * rslave/rshared bind, not an rprivate one), inspect's Mounts, the symlink attack (an image whose
 * /evil points at a host directory: a mount onto it lands inside the container's root and nothing
 * is made or mounted on the host), and bad specs: a 400 naming the field, nothing left behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/exec/index.js';
import { buildBusyboxRootfs } from '../../src/runtime/images/busybox.js';
import { withHost, type TestHost } from '../helpers/host.js';

const unique = (): string => randomBytes(4).toString('hex');

/** The /proc/mounts line of `target` inside a container (what `cat /proc/mounts` printed). */
function mountLine(table: string, target: string): string | undefined {
  return table.split('\n').find((line) => line.split(' ')[1] === target);
}

const hostMountPoints = async (): Promise<string[]> => (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').map((line) => line.split(' ')[4] ?? '');

test('-v and --mount bind: a host file read, :ro and readonly refuse writes, rw writes reach the host, -v makes a missing source', async () => {
  await withHost(async (host) => {
    const src = join(host.dir, 'src');
    await mkdir(src);
    await writeFile(join(src, 'f'), 'from the host\n');
    const made = join(host.dir, 'made', 'by', 'v');
    const [read, ro, rw, roMount, table, createdDir] = await Promise.all([
      host.docker(['run', '--rm', '-v', `${src}:/mnt`, 'busybox', 'cat', '/mnt/f']),
      host.docker(['run', '--rm', '-v', `${src}:/mnt:ro`, 'busybox', 'touch', '/mnt/x']),
      host.docker(['run', '--rm', '-v', `${src}:/mnt:rw`, 'busybox', 'sh', '-c', 'echo written > /mnt/w']),
      host.docker(['run', '--rm', '--mount', `type=bind,source=${src},target=/m,readonly`, 'busybox', 'sh', '-c', 'cat /m/f && touch /m/y']),
      host.docker(['run', '--rm', '-v', `${src}:/a:ro`, '--mount', `type=bind,src=${src},dst=/b`, 'busybox', 'cat', '/proc/mounts']),
      host.docker(['run', '--rm', '-v', `${made}:/made`, 'busybox', 'sh', '-c', 'touch /made/here && ls /made']),
    ]);
    assert.equal(read.stdout, 'from the host\n', JSON.stringify(read));
    assert.notEqual(ro.code, 0);
    assert.match(ro.stderr + ro.stdout, /Read-only file system/, JSON.stringify(ro));
    assert.equal(rw.code, 0, JSON.stringify(rw));
    assert.equal(await readFile(join(src, 'w'), 'utf8'), 'written\n', 'a rw bind writes to the host');
    assert.equal(roMount.stdout, 'from the host\n');
    assert.match(roMount.stderr, /Read-only file system/, JSON.stringify(roMount));
    assert.match(mountLine(table.stdout, '/a') ?? '', /^\S+ \/a \S+ ro[, ]/, `-v :ro is ro in the mount table:\n${table.stdout}`);
    assert.match(mountLine(table.stdout, '/b') ?? '', /^\S+ \/b \S+ rw[, ]/, `--mount without readonly is rw:\n${table.stdout}`);
    assert.equal(createdDir.stdout.trim(), 'here', JSON.stringify(createdDir));
    assert.deepEqual(await readdir(made), ['here'], '-v made the missing host directory');
    assert.deepEqual(await readdir(src), ['f', 'w'], 'the ro runs wrote nothing');
  });
});

test('--tmpfs and --mount type=tmpfs: in the mount table with their size and mode and Docker\'s defaults', async () => {
  await withHost(async (host) => {
    const out = await host.dockerOk(['run', '--rm', '--tmpfs', '/run/t:size=1m,mode=1770', '--tmpfs', '/x:exec',
      '--mount', 'type=tmpfs,destination=/m,tmpfs-size=2097152,tmpfs-mode=0700', 'busybox', 'sh', '-c', 'cat /proc/mounts; stat -c "%a %n" /run/t /m; echo ok > /m/f && cat /m/f']);
    const t = mountLine(out, '/run/t') ?? '';
    assert.match(t, /^tmpfs \/run\/t tmpfs rw,/, out);
    for (const option of ['nosuid', 'nodev', 'noexec', 'size=1024k', 'mode=1770']) assert.ok(t.split(' ')[3]?.split(',').includes(option), `${option} in ${t}`);
    const m = mountLine(out, '/m') ?? '';
    for (const option of ['size=2048k', 'mode=700', 'noexec']) assert.ok(m.split(' ')[3]?.split(',').includes(option), `${option} in ${m}`);
    const x = mountLine(out, '/x') ?? '';
    assert.ok(!x.split(' ')[3]?.split(',').includes('noexec'), `exec wins over Docker's noexec: ${x}`);
    assert.match(out, /^1770 \/run\/t$/m);
    assert.match(out, /^700 \/m$/m);
    assert.match(out, /^ok$/m, 'the tmpfs is writable');
  });
});

test("inspect's Mounts as Docker shows them; HostConfig echoes the request; docker cp goes through a bind mount, a tmpfs is refused", async () => {
  await withHost(async (host) => {
    const src = join(host.dir, 'src');
    await mkdir(src);
    await host.dockerOk(['create', '--name', 'keeper', '-v', `${src}:/a:ro`, '--mount', `type=bind,src=${src},dst=/b,bind-propagation=rslave`,
      '--mount', 'type=tmpfs,dst=/t', '--tmpfs', '/run', 'busybox', 'true']);
    const mounts = JSON.parse(await host.dockerOk(['inspect', '-f', '{{json .Mounts}}', 'keeper'])) as unknown;
    assert.deepEqual(mounts, [
      { Type: 'bind', Source: src, Destination: '/a', Mode: 'ro', RW: false, Propagation: 'rprivate' },
      { Type: 'bind', Source: src, Destination: '/b', Mode: '', RW: true, Propagation: 'rslave' },
      { Type: 'tmpfs', Source: '', Destination: '/t', Mode: '', RW: true, Propagation: '' },
    ]);
    assert.equal(await host.dockerOk(['inspect', '-f', '{{json .HostConfig.Binds}} {{json .HostConfig.Tmpfs}}', 'keeper']), `["${src}:/a:ro"] {"/run":""}`);
    assert.match(await host.dockerOk(['ps', '-a', '--no-trunc', '--format', '{{.Mounts}}']), new RegExp(`${src}`), 'docker ps shows the mounts');
    // docker cp goes through a bind mount into its source (docker-cp.test covers it whole); a tmpfs
    // has nothing on the host to go through: refused, not answered from the directory beneath.
    await writeFile(join(host.dir, 'cp-me'), 'x\n');
    await host.dockerOk(['run', '--name', 'ran', '-v', `${src}:/a`, '--mount', 'type=tmpfs,dst=/t', 'busybox', 'true']);
    const [cpIn, cpOut] = await Promise.all([host.docker(['cp', join(host.dir, 'cp-me'), 'ran:/a/']), host.docker(['cp', 'ran:/t', '-'])]);
    assert.equal(cpIn.code, 0, JSON.stringify(cpIn));
    assert.equal(await readFile(join(src, 'cp-me'), 'utf8'), 'x\n', 'the file landed in the bind source');
    assert.match(cpOut.stderr, /conet does not support docker cp through the container's tmpfs mount at \/t yet/, JSON.stringify(cpOut));

  });
});

test('binds: a file onto a missing path, over /etc/hosts, into a --read-only root; ro is read-only all the way down unless bind-recursive=writable', async () => {
  await withHost(async (host) => {
    const src = join(host.dir, 'src');
    const sub = join(src, 'sub');
    await mkdir(sub, { recursive: true });
    await writeFile(join(host.dir, 'file'), 'a file\n');
    try {
      await run(['mount', '-t', 'tmpfs', '-o', 'size=1m', 'conet-sub', sub]);
      const [file, hosts, readOnlyRoot, deep, writableBelow] = await Promise.all([
        host.docker(['run', '--rm', '-v', `${join(host.dir, 'file')}:/new/dir/f:ro`, 'busybox', 'cat', '/new/dir/f']),
        host.docker(['run', '--rm', '-v', `${join(host.dir, 'file')}:/etc/hosts`, 'busybox', 'cat', '/etc/hosts']),
        host.docker(['run', '--rm', '--read-only', '-v', `${src}:/made/here`, 'busybox', 'sh', '-c', 'touch /made/here/ok && ! touch /elsewhere 2>/dev/null && echo fine']),
        host.docker(['run', '--rm', '-v', `${src}:/m:ro`, 'busybox', 'sh', '-c', 'touch /m/sub/x; grep " /m/sub " /proc/mounts']),
        host.docker(['run', '--rm', '--mount', `type=bind,src=${src},dst=/m,readonly,bind-recursive=writable`, 'busybox', 'sh', '-c', 'touch /m/sub/y && echo wrote']),
      ]);
      assert.equal(file.stdout, 'a file\n', JSON.stringify(file));
      assert.equal(hosts.stdout, 'a file\n', `the bind replaces conet's /etc/hosts: ${JSON.stringify(hosts)}`);
      assert.equal(readOnlyRoot.stdout.trim(), 'fine', JSON.stringify(readOnlyRoot));
      assert.match(deep.stderr, /Read-only file system/, JSON.stringify(deep));
      assert.match(deep.stdout, /^\S+ \/m\/sub tmpfs ro[, ]/m, `the submount is read-only too: ${deep.stdout}`);
      assert.equal(writableBelow.stdout.trim(), 'wrote', `bind-recursive=writable leaves the submount writable: ${JSON.stringify(writableBelow)}`);
      assert.deepEqual(await readdir(src), ['ok', 'sub']);
    } finally {
      await run(['umount', sub], { allowFailure: true });
    }
  });
});

/** A shared tmpfs at `dir` on the host (its own peer group), for the propagation test. */
async function sharedMount(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await run(['mount', '-t', 'tmpfs', '-o', 'size=1m', 'conet-shared', dir]);
  await run(['mount', '--make-shared', dir]);
}

test('bind propagation: a host mount made after the start reaches rslave and rshared binds, not rprivate ones; a private source refuses rshared', async () => {
  await withHost(async (host) => {
    const shared = join(host.dir, 'shared');
    const late = join(shared, 'late');
    try {
      await sharedMount(shared);
      await mkdir(late);
      const privateSrc = join(host.dir, 'private');
      await mkdir(privateSrc);
      const refused = await host.docker(['run', '--rm', '--mount', `type=bind,src=${privateSrc},dst=/p,bind-propagation=rshared`, 'busybox', 'true']);
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /is mounted on .* but it is not a shared mount/, refused.stderr);
      for (const [name, mode] of [['slave', 'rslave'], ['shared', 'rshared'], ['private', 'rprivate']]) {
        await host.dockerOk(['run', '-d', '--name', name!, '--mount', `type=bind,src=${shared},dst=/s,bind-propagation=${mode}`, 'busybox', 'sleep', '300']);
      }
      const info = await host.dockerOk(['exec', 'shared', 'cat', '/proc/self/mountinfo']);
      assert.match(info.split('\n').find((line) => line.split(' ')[4] === '/s') ?? '', / shared:\d+/, `the rshared bind is shared inside:\n${info}`);
      await run(['mount', '-t', 'tmpfs', '-o', 'size=1m', 'conet-late', late]);
      const seen = await Promise.all(['slave', 'shared', 'private'].map((name) => host.docker(['exec', name, 'grep', '-c', ' /s/late ', '/proc/mounts'])));
      assert.deepEqual(seen.map((result) => result.stdout.trim()), ['1', '1', '0'], 'rslave and rshared see the later mount, rprivate does not');
    } finally {
      await run(['umount', late], { allowFailure: true });
      await run(['umount', shared], { allowFailure: true });
    }
  });
});

/** An image whose /evil points at a host directory (absolute), /rel at it (relative), /up at /. */
async function importEvilImage(host: TestHost, marker: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'conet-evil-image-'));
  try {
    const rootfs = join(dir, 'rootfs');
    await mkdir(rootfs);
    await buildBusyboxRootfs(rootfs);
    await symlink(marker, join(rootfs, 'evil'));
    await symlink(`../../../../../../..${marker}`, join(rootfs, 'rel'));
    await symlink('/', join(rootfs, 'up'));
    await run(['tar', '-C', rootfs, '-c', '-f', join(dir, 'rootfs.tar'), '.']);
    await host.dockerOk(['import', join(dir, 'rootfs.tar'), 'evil:latest']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('symlink attack: a mount onto an image symlink to a host path lands inside the root; the host gets nothing', async () => {
  const marker = join('/tmp', `conet-mount-attack-${unique()}`);
  try {
    await mkdir(marker);
    await writeFile(join(marker, 'secret'), 'host only\n');
    await withHost(async (host) => {
      await importEvilImage(host, marker);
      const src = join(host.dir, 'src');
      await mkdir(src);
      await writeFile(join(src, 'f'), 'bound\n');
      const [bind, deeper, tmpfs, rel] = await Promise.all([
        host.docker(['run', '--rm', '-v', `${src}:/evil`, 'evil', 'sh', '-c', `cat /evil/f ${marker}/f; ls /evil`]),
        host.docker(['run', '--rm', '-v', `${src}:/evil/sub/dir`, 'evil', 'cat', `${marker}/sub/dir/f`]),
        host.docker(['run', '--rm', '--tmpfs', '/evil/t', '--mount', 'type=tmpfs,dst=/rel/u', 'evil', 'sh', '-c', `touch /evil/t/x /rel/u/y && grep -c ' ${marker}/[tu] ' /proc/mounts`]),
        host.docker(['run', '--rm', '-v', `${src}:/rel`, 'evil', 'cat', '/rel/f']),
      ]);
      assert.equal(bind.stdout, 'bound\nbound\nf\n', `the bind is at the root's own ${marker}: ${JSON.stringify(bind)}`);
      assert.equal(deeper.stdout, 'bound\n', JSON.stringify(deeper));
      assert.equal(tmpfs.stdout.trim(), '2', `both tmpfs mounts sit at the root's ${marker}: ${JSON.stringify(tmpfs)}`);
      assert.equal(rel.stdout, 'bound\n', JSON.stringify(rel));
      const up = await host.docker(['run', '--rm', '-v', `${src}:/up`, 'evil', 'true']);
      assert.notEqual(up.code, 0, 'a mount onto a link to / is refused');
      assert.match(up.stderr, /leads to \/ inside the container/, up.stderr);
      assert.deepEqual(await readdir(marker), ['secret'], 'nothing was made in the host directory');
      assert.equal(await readFile(join(marker, 'secret'), 'utf8'), 'host only\n');
      assert.ok(!(await hostMountPoints()).some((point) => point.startsWith(marker)), 'nothing is mounted on the host path');
      assert.equal(await host.dockerOk(['ps', '-a', '-q']), '', 'the --rm containers are gone');
    });
  } finally {
    await rm(marker, { recursive: true, force: true });
  }
});

const BAD: ReadonlyArray<{ args: string[]; names: RegExp }> = [
  { args: ['-v', '/a:/b:bogus'], names: /HostConfig\.Binds: invalid mode: bogus/ },
  { args: ['-v', '/a:/b:rw,ro'], names: /HostConfig\.Binds: invalid mode: rw,ro/ },
  { args: ['-v', '/a:/b', '-v', '/c:/b'], names: /Duplicate mount point: \/b/ },
  { args: ['--tmpfs', '/t:size=lots'], names: /HostConfig\.Tmpfs\["\/t"\]: invalid value for tmpfs option "size=lots"/ },
  { args: ['--tmpfs', '/t:upperdir=/x'], names: /HostConfig\.Tmpfs\["\/t"\]: invalid tmpfs option "upperdir=\/x"/ },
  { args: ['--mount', 'type=bind,src=/nonexistent-conet-src,dst=/x'], names: /HostConfig\.Mounts: invalid mount config for type "bind": bind source path does not exist: \/nonexistent-conet-src/ },
  { args: ['--mount', 'type=bind,src=/tmp,dst=/x,bind-propagation=rshared', '--mount', 'type=bind,src=/tmp,dst=/'], names: /HostConfig\.Mounts\[1\]: invalid mount config for type "bind": invalid specification: destination can't be '\/'/ },
  // Volumes are applied now: a one-letter name is one the local driver refuses (Docker's wording).
  { args: ['--mount', 'type=volume,src=v,dst=/v'], names: /"v" includes invalid characters for a local volume name/ },
  { args: ['--mount', 'type=volume,src=vv,dst=/v,volume-subpath=x'], names: /conet does not support volume-subpath/ },
];

test('bad mount specs: a 400 naming the field, and nothing left behind', async () => {
  await withHost(async (host) => {
    const results = await Promise.all(BAD.map(({ args }) => host.docker(['run', ...args, 'busybox', 'true'])));
    results.forEach((result, index) => {
      const { args, names } = BAD[index]!;
      assert.notEqual(result.code, 0, `docker run ${args.join(' ')} must fail`);
      assert.match(result.stderr, names, `docker run ${args.join(' ')}: ${result.stderr}`);
    });
    const status = await host.api('POST', '/v1.41/containers/create', JSON.stringify({ Image: 'busybox', HostConfig: { Binds: ['/a:/b:bogus'] } }));
    assert.equal(status.status, 400);
    assert.equal(await host.dockerOk(['ps', '-a', '-q']), '', 'no container was created');
    assert.deepEqual(await readdir(join(host.dir, 'data', 'containers')).catch(() => []), [], 'no container directory left');
    assert.equal(await readFile('/nonexistent-conet-src', 'utf8').catch(() => 'absent'), 'absent', 'nothing made on the host');
  });
});
