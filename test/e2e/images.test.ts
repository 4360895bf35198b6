/**
 * Images without a registry, through the real docker CLI: the built-in busybox, `docker import`
 * with --change, tag, rmi, `docker load` of a hand-built `docker save` archive, and a pull that
 * fails with a clear message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { access, lstat, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/exec/index.js';
import { buildBusyboxRootfs } from '../../src/runtime/images/busybox.js';
import { withHost } from '../helpers/host.js';

interface InspectedImage {
  Id: string;
  RepoTags: string[];
  Config: { Cmd: string[] | null; ExposedPorts?: Record<string, object>; Env: string[] | null };
  GraphDriver: { Data: { UpperDir: string; LowerDir?: string }; Name: string };
  RootFS: { Layers: string[] };
}

async function inspectImage(host: { dockerOk(args: string[]): Promise<string> }, name: string): Promise<InspectedImage> {
  const [image] = JSON.parse(await host.dockerOk(['image', 'inspect', name])) as InspectedImage[];
  assert.ok(image);
  return image;
}

const digestOf = async (file: string): Promise<string> => `sha256:${createHash('sha256').update(await readFile(file)).digest('hex')}`;

/** A busybox rootfs as a tar file (what a user would feed to `docker import`). */
async function rootfsTar(dir: string): Promise<string> {
  const rootfs = join(dir, 'rootfs');
  await mkdir(rootfs);
  await buildBusyboxRootfs(rootfs);
  await writeFile(join(rootfs, 'var/www/index.html'), '<h1>Welcome to nginx!</h1>\n');
  const file = join(dir, 'rootfs.tar');
  await run(['tar', '-C', rootfs, '-c', '-f', file, '.']);
  return file;
}

test('docker images, import with --change, inspect, tag, rmi and a pull with docker.io out of reach', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'conet-images-'));
  try {
    await withHost(async (host) => {
      const listed = await host.dockerOk(['images', '--format', '{{.Repository}}:{{.Tag}}']);
      assert.deepEqual(listed.split('\n'), ['busybox:latest']);
      const busybox = await inspectImage(host, 'busybox');
      assert.deepEqual(busybox.Config.Cmd, ['sh']);
      await access(join(busybox.GraphDriver.Data.UpperDir, 'bin', 'sh'));

      const tar = await rootfsTar(dir);
      const imported = await host.dockerOk([
        'import', '--change', 'CMD ["httpd","-f","-p","80","-h","/var/www"]', '--change', 'EXPOSE 80', '--change', 'EXPOSE 443', tar, 'nginx:1.9.1',
      ]);
      assert.match(imported, /^sha256:[0-9a-f]{64}$/);
      const nginx = await inspectImage(host, 'nginx:1.9.1');
      assert.equal(nginx.Id, imported);
      assert.deepEqual(nginx.RepoTags, ['nginx:1.9.1']);
      assert.deepEqual(nginx.Config.Cmd, ['httpd', '-f', '-p', '80', '-h', '/var/www']);
      assert.deepEqual(nginx.Config.ExposedPorts, { '80/tcp': {}, '443/tcp': {} });
      const layerDigest = createHash('sha256').update(await readFile(tar)).digest('hex');
      assert.deepEqual(nginx.RootFS.Layers, [`sha256:${layerDigest}`]);
      assert.equal(await readFile(join(nginx.GraphDriver.Data.UpperDir, 'var/www/index.html'), 'utf8'), '<h1>Welcome to nginx!</h1>\n');

      await host.dockerOk(['tag', 'nginx:1.9.1', 'nginx:latest']);
      assert.deepEqual((await inspectImage(host, 'nginx')).RepoTags.sort(), ['nginx:1.9.1', 'nginx:latest']);
      const byId = await host.docker(['rmi', imported.slice(7, 19)]);
      assert.equal(byId.code, 1);
      assert.match(byId.stderr, /image is referenced in multiple repositories/);
      assert.match(await host.dockerOk(['rmi', 'nginx:latest']), /^Untagged: nginx:latest$/);
      const removed = await host.dockerOk(['rmi', 'nginx:1.9.1']);
      assert.match(removed, /Untagged: nginx:1\.9\.1\nDeleted: sha256:[0-9a-f]{64}/);
      await assert.rejects(access(nginx.GraphDriver.Data.UpperDir), 'the layer is gone');

      const missing = await host.docker(['image', 'inspect', 'nginx:1.9.1']);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /No such image: nginx:1\.9\.1/);
      const api = await host.api('GET', '/v1.41/images/host/json');
      assert.deepEqual({ status: api.status, body: JSON.parse(api.body) as unknown }, { status: 404, body: { message: 'no such image: host: No such image: host:latest' } });

      // docker.io is out of reach from the test host's namespace: a clear error at once, nothing stored.
      const pull = await host.docker(['pull', 'x'], { timeoutMs: 40_000 });
      assert.equal(pull.code, 1);
      assert.match(pull.stderr, /Error response from daemon: .*registry-1\.docker\.io/);
      assert.equal(await host.dockerOk(['images', '-q']), busybox.Id.slice(7, 19));
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('docker load of a hand-built save archive applies layers in order with whiteouts', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'conet-load-'));
  try {
    const archive = join(dir, 'archive');
    await mkdir(join(archive, 'l1'), { recursive: true });
    await mkdir(join(archive, 'l2'));
    const base = await rootfsTar(join(dir));
    await run(['cp', base, join(archive, 'l1/layer.tar')]);
    // Layer 2: adds /etc/motd, deletes /bin/vi, empties /var/www (opaque) and adds a new index.
    const upper = join(dir, 'upper');
    await mkdir(join(upper, 'etc'), { recursive: true });
    await mkdir(join(upper, 'bin'));
    await mkdir(join(upper, 'var/www'), { recursive: true });
    await writeFile(join(upper, 'etc/motd'), 'layer two\n');
    await writeFile(join(upper, 'bin/.wh.vi'), '');
    await writeFile(join(upper, 'var/www/.wh..wh..opq'), '');
    await writeFile(join(upper, 'var/www/new.html'), 'new\n');
    await run(['tar', '-C', upper, '-c', '-f', join(archive, 'l2/layer.tar'), '.']);
    const config = JSON.stringify({
      architecture: 'amd64', os: 'linux', created: '2015-06-01T00:00:00Z',
      config: { Cmd: ['cat', '/etc/motd'], Env: ['PATH=/bin'], WorkingDir: '', Entrypoint: null, Labels: { layer: 'two' }, User: '' },
      rootfs: { type: 'layers', diff_ids: [await digestOf(join(archive, 'l1/layer.tar')), await digestOf(join(archive, 'l2/layer.tar'))] },
    });
    const configName = `${createHash('sha256').update(config).digest('hex')}.json`;
    await writeFile(join(archive, configName), config);
    await writeFile(join(archive, 'manifest.json'), JSON.stringify([{ Config: configName, RepoTags: ['layered:v2'], Layers: ['l1/layer.tar', 'l2/layer.tar'] }]));
    const saved = join(dir, 'saved.tar');
    await run(['tar', '-C', archive, '-c', '-f', saved, '.']);

    await withHost(async (host) => {
      assert.match(await host.dockerOk(['load', '-i', saved]), /Loaded image: layered:v2/);
      const image = await inspectImage(host, 'layered:v2');
      assert.equal(image.Id, `sha256:${configName.slice(0, 64)}`, 'the id is the digest of the config as saved');
      assert.deepEqual(image.Config.Cmd, ['cat', '/etc/motd']);
      // Each layer has its own directory, whiteouts in overlayfs form (a 0/0 device, an opaque xattr).
      assert.equal(image.GraphDriver.Name, 'overlay2');
      const top = image.GraphDriver.Data.UpperDir;
      const [lower] = (image.GraphDriver.Data.LowerDir ?? '').split(':');
      assert.equal(image.GraphDriver.Data.LowerDir?.split(':').length, 1);
      assert.equal(await readFile(join(top, 'etc/motd'), 'utf8'), 'layer two\n');
      const whiteout = await lstat(join(top, 'bin/vi'));
      assert.ok(whiteout.isCharacterDevice() && whiteout.rdev === 0, 'bin/vi is a whiteout device in the top layer');
      await assert.rejects(access(join(top, 'bin/.wh.vi')), 'whiteout files are not extracted');
      assert.match((await run(['getfattr', '--only-values', '-n', 'trusted.overlay.opaque', join(top, 'var/www')])).stdout, /^y/);
      await access(join(lower!, 'bin/vi'));
      // The container sees the stack: bin/vi deleted, var/www emptied then refilled.
      const seen = await host.dockerOk(['run', '--rm', 'layered:v2', 'sh', '-c', 'cat /etc/motd; test -e /bin/vi || echo no-vi; ls /var/www; test -x /bin/sh && echo sh']);
      assert.equal(seen, 'layer two\nno-vi\nnew.html\nsh');

      const bad = await host.docker(['load', '-i', base]);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /manifest\.json not found/);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('docker images NAME and --filter narrow the list (reference globs, dangling, label, before/since); bad filters and exec --privileged are 400s', async () => {
  await withHost(async (host) => {
    await host.dockerOk(['tag', 'busybox:latest', 'web:1']);
    await host.dockerOk(['tag', 'busybox:latest', 'web:2']);
    await host.dockerOk(['tag', 'busybox:latest', 'team/tool:1']);
    const listed = async (...args: string[]): Promise<string[]> =>
      (await host.dockerOk(['images', '--format', '{{.Repository}}:{{.Tag}}', ...args])).split('\n').filter(Boolean).sort();
    assert.deepEqual(await listed('web'), ['web:1', 'web:2']);
    assert.deepEqual(await listed('web:1'), ['web:1']);
    assert.deepEqual(await listed('--filter', 'reference=*/tool'), ['team/tool:1']);
    assert.deepEqual(await listed('--filter', 'reference=w?b:[2-9]'), ['web:2']);
    assert.deepEqual(await listed('nothing-here'), []);
    assert.deepEqual(await listed('--filter', 'dangling=true'), []);
    assert.deepEqual(await listed('--filter', 'label=no.such.label'), []);
    const bad = await host.docker(['images', '--filter', 'reference=[oops']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /invalid filter 'reference=\[oops'/);
    const unknown = await host.docker(['images', '--filter', 'colour=red']);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /invalid filter 'colour'/);
    await host.dockerOk(['run', '-d', '--name', 'idle', 'busybox', 'sleep', '60']);
    const privileged = await host.docker(['exec', '--privileged', 'idle', 'id']);
    assert.notEqual(privileged.code, 0);
    assert.match(privileged.stderr, /does not support Privileged \(--privileged\) on exec/);
    assert.match(await host.dockerOk(['exec', 'idle', 'id']), /uid=0/);
  });
});
