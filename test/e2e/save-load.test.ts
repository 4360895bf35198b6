/**
 * docker save / docker load round trips through the real docker CLI: several images and tags in one
 * archive (the built-in busybox, an imported image with two tags, and an image made by `docker
 * load`), removed, loaded back: the same ids and tags; the archive is the layout Docker writes
 * (manifest.json, index.json, oci-layout, blobs/sha256 with each layer tar named by its diff_id);
 * tag and rmi by digest; an unknown name is a 404 with nothing written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/exec/index.js';
import { buildBusyboxRootfs } from '../../src/runtime/images/busybox.js';
import { withHost, type TestHost } from '../helpers/host.js';

const sha256 = (data: Buffer): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;

async function idOf(host: TestHost, name: string): Promise<string> {
  return host.dockerOk(['image', 'inspect', '-f', '{{.Id}}', name]);
}

async function tags(host: TestHost): Promise<string[]> {
  return (await host.dockerOk(['images', '--format', '{{.Repository}}:{{.Tag}}'])).split('\n').filter(Boolean).sort();
}

/** A small rootfs tar for `docker import`. */
async function importTar(dir: string): Promise<string> {
  const rootfs = join(dir, 'rootfs');
  await mkdir(rootfs);
  await buildBusyboxRootfs(rootfs);
  await writeFile(join(rootfs, 'hello.txt'), 'hello from the import\n');
  const file = join(dir, 'rootfs.tar');
  await run(['tar', '-C', rootfs, '-cf', file, '.']);
  return file;
}

test('docker save of several images and tags -> rmi -> docker load: same ids and tags, Docker\'s archive layout', { timeout: 180_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'conet-save-'));
  try {
    await withHost(async (host) => {
      const imported = await host.dockerOk(['import', '--change', 'CMD ["cat","/hello.txt"]', await importTar(dir), 'app:1']);
      await host.dockerOk(['tag', 'app:1', 'app:stable']);
      await host.dockerOk(['tag', 'busybox', 'tools/box:v2']);
      const before = new Map<string, string>();
      for (const name of ['busybox:latest', 'app:1', 'app:stable', 'tools/box:v2']) before.set(name, await idOf(host, name));
      assert.equal(before.get('app:1'), imported);

      const archive = join(dir, 'images.tar');
      await host.dockerOk(['save', '-o', archive, 'busybox', 'app', 'tools/box:v2']);
      const listing = join(dir, 'listing');
      await mkdir(listing);
      await run(['tar', '-xf', archive, '-C', listing]);
      const manifest = JSON.parse(await readFile(join(listing, 'manifest.json'), 'utf8')) as Array<{ Config: string; RepoTags: string[]; Layers: string[] }>;
      assert.deepEqual(manifest.flatMap((entry) => entry.RepoTags).sort(), ['app:1', 'app:stable', 'busybox:latest', 'tools/box:v2']);
      for (const entry of manifest) {
        const config = await readFile(join(listing, entry.Config));
        assert.equal(sha256(config), before.get(entry.RepoTags[0]!), 'config bytes as stored: same id');
        const diffIds = (JSON.parse(config.toString()) as { rootfs: { diff_ids: string[] } }).rootfs.diff_ids;
        const layerDigests = await Promise.all(entry.Layers.map(async (layer) => sha256(await readFile(join(listing, layer)))));
        assert.deepEqual(layerDigests, diffIds, 'each layer tar hashes to its diff_id');
      }
      assert.ok((await readdir(listing)).includes('oci-layout'));
      const index = JSON.parse(await readFile(join(listing, 'index.json'), 'utf8')) as { manifests: Array<{ annotations?: Record<string, string> }> };
      assert.deepEqual(index.manifests.map((entry) => entry.annotations?.['io.containerd.image.name']).sort(), ['app:1', 'app:stable', 'busybox:latest', 'tools/box:v2']);

      for (const name of ['app:1', 'app:stable', 'tools/box:v2', 'busybox:latest']) await host.dockerOk(['rmi', name]);
      assert.deepEqual(await tags(host), []);
      const loaded = await host.dockerOk(['load', '-i', archive]);
      for (const name of before.keys()) assert.match(loaded, new RegExp(`Loaded image: ${name}`));
      for (const [name, id] of before) assert.equal(await idOf(host, name), id, `${name} has its id again`);
      assert.equal((await host.dockerOk(['run', '--rm', 'app:1'])).trim(), 'hello from the import');

      // Saved again after the load: the same bytes for every blob (the kept tars are the loaded ones).
      const again = join(dir, 'again.tar');
      await host.dockerOk(['save', '-o', again, 'app:1']);
      const second = join(dir, 'second');
      await mkdir(second);
      await run(['tar', '-xf', again, '-C', second]);
      const [entry] = JSON.parse(await readFile(join(second, 'manifest.json'), 'utf8')) as Array<{ Layers: string[] }>;
      assert.deepEqual(await readFile(join(second, entry!.Layers[0]!)), await readFile(join(listing, entry!.Layers[0]!)));

      const missing = await host.api('GET', '/images/get?names=busybox&names=nope:1');
      assert.equal(missing.status, 404);
      assert.match((JSON.parse(missing.body) as { message: string }).message, /No such image: nope:1/);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
