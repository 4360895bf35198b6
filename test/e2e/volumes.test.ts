/**
 * Named volumes with the real docker CLI (issue 12, item 2): `docker volume create/ls/inspect/
 * rm/prune` with Docker's shapes and filters, the local driver's bind and tmpfs options, bad input
 * that is a 400 and leaves nothing, hostile names that can't leave the volumes directory, records
 * that survive a restart and a kill -9 of the daemon; in containers: `-v NAME:/path`, `--mount
 * type=volume` (readonly, volume-nocopy), anonymous volumes (`-v /path`, the image's VOLUME) with
 * the copy of the image's content, `--volumes-from`, `rm -v`, data that survives rm, a restart and
 * kill -9, the 409 of a volume in use, and Mounts in inspect.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/exec/index.js';
import { buildBusyboxRootfs } from '../../src/runtime/images/busybox.js';
import { withHost, type TestHost } from '../helpers/host.js';

const volumesDir = (host: TestHost): string => join(host.dir, 'data', 'volumes');
const names = async (host: TestHost, args: readonly string[] = []): Promise<string[]> =>
  (await host.dockerOk(['volume', 'ls', '-q', ...args])).split('\n').filter(Boolean).sort();

test('docker volume create/ls/inspect/rm/prune: shapes, filters, and records that survive restart and kill -9', { timeout: 180_000 }, async () => {
  await withHost(async (host) => {
    assert.equal(await host.dockerOk(['volume', 'create', '--label', 'app=web', '--label', 'tier=front', 'web-data']), 'web-data');
    await host.dockerOk(['volume', 'create', '--label', 'app=db', 'db-data']);
    const generated = await host.dockerOk(['volume', 'create']);
    assert.match(generated, /^[0-9a-f]{64}$/, 'no name: a random one');
    const [inspected] = JSON.parse(await host.dockerOk(['volume', 'inspect', 'web-data'])) as Array<Record<string, unknown>>;
    assert.deepEqual(Object.keys(inspected!).sort(), ['CreatedAt', 'Driver', 'Labels', 'Mountpoint', 'Name', 'Options', 'Scope']);
    assert.deepEqual([inspected!['Name'], inspected!['Driver'], inspected!['Scope'], inspected!['Labels'], inspected!['Options']], ['web-data', 'local', 'local', { app: 'web', tier: 'front' }, {}]);
    assert.equal(inspected!['Mountpoint'], join(volumesDir(host), 'web-data', '_data'));
    assert.match(String(inspected!['CreatedAt']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok((await stat(String(inspected!['Mountpoint']))).isDirectory(), 'the data directory exists under the data root');
    // Filters.
    assert.deepEqual(await names(host, ['--filter', 'name=web']), ['web-data']);
    assert.deepEqual(await names(host, ['--filter', 'label=app']), ['db-data', 'web-data']);
    assert.deepEqual(await names(host, ['--filter', 'label=app=db']), ['db-data']);
    assert.deepEqual(await names(host, ['--filter', 'driver=local']), [generated, 'db-data', 'web-data'].sort());
    assert.deepEqual(await names(host, ['--filter', 'dangling=true']), [generated, 'db-data', 'web-data'].sort());
    assert.deepEqual(await names(host, ['--filter', 'dangling=false']), []);
    const badFilter = await host.docker(['volume', 'ls', '--filter', 'colour=red']);
    assert.notEqual(badFilter.code, 0);
    assert.match(badFilter.stderr, /invalid filter 'colour'/);
    // name is a substring match: "db-" (not "db", which a random hex name holds one time in five).
    assert.equal(await host.dockerOk(['volume', 'ls', '--format', '{{.Driver}} {{.Name}}', '--filter', 'name=db-']), 'local db-data');
    // The records survive a graceful restart and a kill -9.
    await host.restart();
    assert.deepEqual(await names(host), [generated, 'db-data', 'web-data'].sort());
    await host.restart({ crash: true });
    assert.deepEqual(await names(host), [generated, 'db-data', 'web-data'].sort());
    assert.deepEqual(JSON.parse(await host.dockerOk(['volume', 'inspect', 'web-data'])), [inspected]);
    // Prune: from API 1.42 only anonymous volumes (a generated name is one, Docker 23+) unless -a; before, every unused one.
    const modern = Number((await host.dockerOk(['version', '--format', '{{.Server.APIVersion}}'])).split('.')[1]) >= 42;
    const pruned = await host.dockerOk(['volume', 'prune', '-f', ...(modern ? ['-a'] : []), '--filter', 'label=app=db']);
    assert.match(pruned, /db-data/);
    assert.doesNotMatch(pruned, /web-data/);
    assert.match(await host.dockerOk(['volume', 'prune', '-f']), new RegExp(generated));
    assert.deepEqual(await names(host), modern ? ['web-data'] : []);
    if (!modern) await host.dockerOk(['volume', 'create', 'web-data']);
    // rm: missing is a 404 in Docker's words, -f forgives it.
    const missing = await host.docker(['volume', 'rm', 'ghost']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /get ghost: no such volume/);
    assert.equal((await host.docker(['volume', 'rm', '-f', 'ghost'])).code, 0);
    assert.equal(await host.dockerOk(['volume', 'rm', 'web-data']), 'web-data');
    assert.deepEqual(await names(host), []);
    assert.deepEqual(await readdir(volumesDir(host)), [], 'rm leaves no directory behind');
    assert.equal((await host.api('GET', '/v1.41/volumes/web-data')).status, 404);
  });
});

test('docker volume create: the local driver binds a host directory and mounts a tmpfs; other options are 400s', { timeout: 120_000 }, async () => {
  await withHost(async (host) => {
    const device = join(host.dir, 'device');
    await mkdir(device);
    await writeFile(join(device, 'seed'), 'from the host\n');
    await host.dockerOk(['volume', 'create', '--opt', 'type=none', '--opt', 'o=bind', '--opt', `device=${device}`, 'bound']);
    await host.dockerOk(['volume', 'create', '--opt', 'type=tmpfs', '--opt', 'device=tmpfs', '--opt', 'o=size=8m', 'scratch']);
    const [bound] = JSON.parse(await host.dockerOk(['volume', 'inspect', 'bound'])) as Array<{ Options: Record<string, string> }>;
    assert.deepEqual(bound!.Options, { type: 'none', o: 'bind', device });
    const refusals: Array<[readonly string[], RegExp]> = [
      [['--opt', 'type=nfs', '--opt', 'o=addr=10.0.0.1', '--opt', 'device=:/export', 'nfs1'], /type "nfs" is not supported by conet/],
      [['--opt', 'type=none', '--opt', 'o=bind', '--opt', 'device=/no/such/dir', 'nobind'], /not a directory/],
      [['--opt', 'type=none', '--opt', 'o=bind', '--opt', 'device=relative', 'relbind'], /absolute, normalized host path/],
      [['--opt', 'type=tmpfs', '--opt', 'o=size=huge', 'badsize'], /tmpfs size "huge"/],
      [['--opt', 'colour=red', 'badopt'], /invalid option: "colour"/],
      [['--driver', 'nfs', 'otherdriver'], /volume driver "nfs" is not supported by conet/],
      [['x'], /"x" includes invalid characters for a local volume name/],
      [['../../etc'], /includes invalid characters/],
      [['.hidden'], /includes invalid characters/],
    ];
    for (const [args, message] of refusals) {
      const result = await host.docker(['volume', 'create', ...args]);
      assert.notEqual(result.code, 0, args.join(' '));
      assert.match(result.stderr, message, args.join(' '));
    }
    const raw = await host.api('POST', '/v1.41/volumes/create', JSON.stringify({ Name: 'a/../../../escape' }));
    assert.equal(raw.status, 400);
    const typed = await host.api('POST', '/v1.41/volumes/create', JSON.stringify({ Name: 'typed', Labels: { a: 1 } }));
    assert.deepEqual([typed.status, JSON.parse(typed.body)], [400, { message: 'Labels.a must be a string' }]);
    assert.deepEqual(await names(host), ['bound', 'scratch'], 'no refused volume was recorded');
    assert.deepEqual((await readdir(volumesDir(host))).sort(), ['bound', 'scratch'], 'and none left a directory');
    await stat(join(host.dir, 'escape')).then(() => assert.fail('a hostile name made a directory outside'), () => undefined);
    assert.equal(await readFile(join(device, 'seed'), 'utf8'), 'from the host\n');
    await host.dockerOk(['volume', 'rm', 'bound', 'scratch']);
    assert.equal(await readFile(join(device, 'seed'), 'utf8'), 'from the host\n', "removing a bind volume leaves the host's directory alone");
  });
});

/** An image with content at /seed (a file and a directory) and `VOLUME /seed`, made with `docker import`. */
async function seedImage(host: TestHost): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'conet-volimg-'));
  try {
    const rootfs = join(dir, 'rootfs');
    await mkdir(rootfs);
    await buildBusyboxRootfs(rootfs);
    await mkdir(join(rootfs, 'seed/sub'), { recursive: true });
    await writeFile(join(rootfs, 'seed/hello'), 'from the image\n');
    await writeFile(join(rootfs, 'seed/sub/deep'), 'deep\n');
    await symlink('/etc/shadow', join(rootfs, 'seed/link'));
    const tar = join(dir, 'rootfs.tar');
    await run(['tar', '-C', rootfs, '-c', '-f', tar, '.']);
    await host.dockerOk(['import', '--change', 'VOLUME /seed', '--change', 'CMD ["sh"]', tar, 'seeded:latest']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface MountView { Type: string; Name?: string; Source: string; Destination: string; Driver?: string; Mode: string; RW: boolean; Propagation: string }
const mountsOf = async (host: TestHost, container: string): Promise<MountView[]> => JSON.parse(await host.dockerOk(['inspect', '-f', '{{json .Mounts}}', container])) as MountView[];

test('named volumes in containers: data survives rm, a restart and kill -9; in use is a 409; Mounts as Docker shows them', { timeout: 240_000 }, async () => {
  await withHost(async (host) => {
    await host.dockerOk(['run', '--name', 'writer', '-v', 'pgdata:/data', 'busybox', 'sh', '-c', 'echo kept > /data/file']);
    assert.deepEqual(await names(host), ['pgdata'], '-v NAME:/path makes the volume');
    const [mount] = await mountsOf(host, 'writer');
    assert.deepEqual(mount, { Type: 'volume', Name: 'pgdata', Source: join(volumesDir(host), 'pgdata', '_data'), Destination: '/data', Driver: 'local', Mode: mount!.Mode, RW: true, Propagation: '' });
    const inUse = await host.docker(['volume', 'rm', 'pgdata']);
    assert.notEqual(inUse.code, 0);
    assert.match(inUse.stderr, /remove pgdata: volume is in use - \[[0-9a-f]{64}\]/);
    assert.equal((await host.docker(['volume', 'rm', '-f', 'pgdata'])).code !== 0, true, '-f does not remove a volume in use');
    assert.deepEqual(await names(host, ['--filter', 'dangling=false']), ['pgdata']);
    await host.dockerOk(['rm', '-v', 'writer']);
    assert.deepEqual(await names(host), ['pgdata'], 'rm -v keeps named volumes');
    assert.equal(await host.dockerOk(['run', '--rm', '-v', 'pgdata:/data', 'busybox', 'cat', '/data/file']), 'kept');
    await host.restart();
    assert.equal(await host.dockerOk(['run', '--rm', '-v', 'pgdata:/data', 'busybox', 'cat', '/data/file']), 'kept');
    await host.restart({ crash: true });
    assert.equal(await host.dockerOk(['run', '--rm', '--mount', 'type=volume,src=pgdata,dst=/data', 'busybox', 'cat', '/data/file']), 'kept');
    // --mount readonly: the mount table says ro, a write fails.
    const readonly = await host.docker(['run', '--rm', '--mount', 'type=volume,src=pgdata,dst=/data,readonly', 'busybox', 'sh', '-c', 'grep " /data " /proc/self/mountinfo; touch /data/x']);
    assert.notEqual(readonly.code, 0);
    assert.match(readonly.stdout, / \/data ro[, ]/);
    assert.match(readonly.stderr, /Read-only file system/);
    // A tmpfs-backed and a bind-backed volume, from inside.
    const device = join(host.dir, 'device');
    await mkdir(device);
    await writeFile(join(device, 'seed'), 'host file\n');
    await host.dockerOk(['volume', 'create', '--opt', 'type=none', '--opt', 'o=bind', '--opt', `device=${device}`, 'bound']);
    await host.dockerOk(['volume', 'create', '--opt', 'type=tmpfs', '--opt', 'o=size=4m', 'scratch']);
    assert.equal(await host.dockerOk(['run', '--rm', '-v', 'bound:/b', 'busybox', 'sh', '-c', 'cat /b/seed; echo back > /b/out']), 'host file');
    assert.equal(await readFile(join(device, 'out'), 'utf8'), 'back\n');
    assert.match(await host.dockerOk(['run', '--rm', '-v', 'scratch:/s', 'busybox', 'sh', '-c', 'grep " /s " /proc/self/mountinfo; df -k /s | tail -1']), /tmpfs[\s\S]*size=4096k[\s\S]*\s4096\s/);
    await host.dockerOk(['volume', 'rm', 'bound', 'scratch', 'pgdata']);
    assert.deepEqual(await readdir(volumesDir(host)), []);
  });
});

test('anonymous volumes, copy-up of the image content, --volumes-from and rm -v', { timeout: 240_000 }, async () => {
  await withHost(async (host) => {
    await seedImage(host);
    assert.equal(await host.dockerOk(['image', 'inspect', '-f', '{{json .Config.Volumes}}', 'seeded']), '{"/seed":{}}');
    // The image's VOLUME: an anonymous volume holding a copy of the image's /seed (symlinks as symlinks).
    await host.dockerOk(['run', '-d', '--name', 'src', '-v', '/scratch', '-v', 'shared:/shared', 'seeded', 'sh', '-c', 'echo mine > /shared/f; echo anon > /scratch/f; sleep 600']);
    const mounts = await mountsOf(host, 'src');
    assert.deepEqual(mounts.map((mount) => [mount.Destination, mount.Type, mount.Driver]), [['/scratch', 'volume', 'local'], ['/seed', 'volume', 'local'], ['/shared', 'volume', 'local']]);
    const seed = mounts.find((mount) => mount.Destination === '/seed')!;
    assert.match(seed.Name ?? '', /^[0-9a-f]{64}$/);
    assert.equal(await readFile(join(seed.Source, 'hello'), 'utf8'), 'from the image\n', 'copied into the volume on the host');
    assert.equal(await host.dockerOk(['exec', 'src', 'readlink', '/seed/link']), '/etc/shadow');
    assert.equal(await host.dockerOk(['exec', 'src', 'cat', '/seed/sub/deep']), 'deep');
    assert.equal(await host.dockerOk(['inspect', '-f', '{{json .Config.Volumes}}', 'src']), '{"/scratch":{},"/seed":{}}');
    // nocopy, and a named volume that already has data, get no copy.
    assert.equal(await host.dockerOk(['run', '--rm', '--mount', 'type=volume,src=empty,dst=/seed,volume-nocopy', 'seeded', 'ls', '-A', '/seed']), '');
    assert.equal(await host.dockerOk(['run', '--rm', '-v', 'shared:/seed', 'seeded', 'ls', '/seed']), 'f');
    // --volumes-from, read-only.
    const from = await host.docker(['run', '--rm', '--volumes-from', 'src:ro', 'busybox', 'sh', '-c', 'cat /shared/f /scratch/f /seed/hello; grep " /shared " /proc/self/mountinfo; touch /shared/x']);
    assert.notEqual(from.code, 0);
    assert.match(from.stdout, /^mine\nanon\nfrom the image\n.* \/shared ro[, ]/s);
    assert.match(from.stderr, /Read-only file system/);
    assert.equal(await host.dockerOk(['run', '--rm', '--volumes-from', 'src', 'busybox', 'sh', '-c', 'echo both > /shared/g && cat /shared/g']), 'both');
    // rm -v: the anonymous volumes go, the named ones stay.
    const anonymous = mounts.filter((mount) => mount.Destination !== '/shared').map((mount) => mount.Name!);
    await host.dockerOk(['rm', '-f', '-v', 'src']);
    assert.deepEqual(await names(host), ['empty', 'shared']);
    for (const name of anonymous) await stat(join(volumesDir(host), name)).then(() => assert.fail(`${name} left behind`), () => undefined);
    // --rm removes its anonymous volumes too.
    await host.dockerOk(['run', '--rm', 'seeded', 'true']);
    assert.deepEqual(await names(host), ['empty', 'shared']);
  });
});

test('volume options of a container that conet refuses are 400s that leave nothing', { timeout: 120_000 }, async () => {
  await withHost(async (host) => {
    const cases: Array<[readonly string[], RegExp]> = [
      [['--volumes-from', 'ghost'], /No such container: ghost/],
      [['--volumes-from', 'x:rx'], /invalid mode for volumes-from/],
      [['--volume-driver', 'flocker', '-v', 'fl:/x'], /conet does not support the volume driver "flocker"/],
      [['--mount', 'type=volume,src=nfsvol,dst=/x,volume-opt=type=nfs'], /type "nfs" is not supported by conet/],
      [['--mount', 'type=volume,src=nfsvol,dst=/x,volume-driver=nfs'], /volume driver "nfs"|not support/],
      [['-v', '/anon', '--volumes-from', 'ghost'], /No such container: ghost/],
      // CLI 28 makes a relative --mount source absolute (in the client's directory) before sending it.
      [['-v', '/anon', '--mount', 'type=volume,src=.hidden,dst=/x'], /\.hidden" includes invalid characters for a local volume name/],
      [['-v', '/anon', '--mount', 'type=volume,src=ok-name,dst=/y,volume-opt=size=1g'], /invalid option: "size"/],
    ];
    for (const [args, message] of cases) {
      const result = await host.docker(['create', ...args, 'busybox', 'true']);
      assert.notEqual(result.code, 0, args.join(' '));
      assert.match(result.stderr, message, args.join(' '));
    }
    assert.equal(await host.dockerOk(['ps', '-aq']), '', 'no container');
    assert.deepEqual(await names(host), [], 'no volume');
    assert.deepEqual(await readdir(volumesDir(host)).catch(() => []), [], 'no volume directory');
  });
});
