/**
 * The shared layer store through the real docker CLI: two images loaded from `docker save` archives
 * built here share a base layer stored once; rmi of one keeps it, rmi of both frees it; a load of
 * an image whose layers are present unpacks nothing new; `docker system df` counts the base once;
 * `docker image prune` (dangling, -a with a label filter); and a daemon killed mid-load leaves no
 * half image and, after its restart, no orphan layer, blob or staging directory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { delay, withHost, type TestHost } from '../helpers/host.js';
import { saveArchiveOf, sha256, tarOf } from '../helpers/tar.js';

const layerTar = (name: string, bytes: number): Buffer =>
  tarOf([{ name: `${name}/`, type: 'dir' }, { name: `${name}/data`, data: randomBytes(bytes) }]);

const imagesRoot = (host: TestHost): string => join(host.dir, 'data', 'images');
const layerDirs = async (host: TestHost): Promise<string[]> => (await readdir(join(imagesRoot(host), 'layers'))).sort();
const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);

async function load(host: TestHost, dir: string, name: string, archive: Buffer): Promise<string> {
  const file = join(dir, `${name}.tar`);
  await writeFile(file, archive);
  return host.dockerOk(['load', '-i', file]);
}

/** The kept blobs (the built-in busybox keeps its layer tar, so a fresh store has one). */
const blobs = async (host: TestHost): Promise<string[]> => (await readdir(join(imagesRoot(host), 'blobs', 'sha256'))).sort();

interface DiskUsageImage { Id: string; Size: number; SharedSize: number; Containers: number }

test('two images on one base: stored once, rmi frees only what nobody uses, system df counts it once, prune', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'conet-image-store-'));
  try {
    await withHost(async (host) => {
      const before = await layerDirs(host);
      const blobsBefore = await blobs(host);
      const [base, web, db] = [layerTar('base', 300_000), layerTar('web', 20_000), layerTar('db', 40_000)];
      await load(host, dir, 'web', saveArchiveOf({ tag: 'web:1', layers: [base, web] }));
      const baseDir = join(imagesRoot(host), 'layers', sha256(base));
      const baseInode = (await stat(baseDir)).ino;
      assert.match(await load(host, dir, 'db', saveArchiveOf({ tag: 'db:1', layers: [base, db] })), /Loaded image: db:1/);
      assert.deepEqual(await layerDirs(host), [...before, sha256(base), sha256(web), sha256(db)].sort(), 'the base is stored once');
      assert.equal((await stat(baseDir)).ino, baseInode, 'the second load unpacked nothing new for the base');
      const lowers = JSON.parse(await host.dockerOk(['image', 'inspect', '--format', '{{json .GraphDriver.Data}}', 'db:1'])) as { LowerDir: string };
      assert.equal(lowers.LowerDir, baseDir);

      const size = Number(await host.dockerOk(['image', 'inspect', '--format', '{{.Size}}', 'web:1']));
      assert.ok(size >= 320_000 && size < 340_000, `web:1 is the size of its layers: ${size}`);
      const df = JSON.parse((await host.api('GET', '/v1.47/system/df')).body) as { LayersSize: number; Images: DiskUsageImage[] };
      const webId = await host.dockerOk(['image', 'inspect', '--format', '{{.Id}}', 'web:1']);
      const webUsage = df.Images.find((image) => image.Id === webId)!;
      assert.ok(webUsage.SharedSize >= 300_000 && webUsage.SharedSize < 310_000, `SharedSize is the base: ${webUsage.SharedSize}`);
      const sum = df.Images.reduce((total, image) => total + image.Size, 0);
      assert.equal(df.LayersSize, sum - webUsage.SharedSize, 'LayersSize counts the shared base once');
      assert.match(await host.dockerOk(['system', 'df', '-v']), /SHARED SIZE/);

      assert.match(await host.dockerOk(['rmi', 'web:1']), /Deleted: sha256:/);
      assert.ok(await exists(baseDir), 'rmi of one keeps the shared base');
      assert.ok(!(await exists(join(imagesRoot(host), 'layers', sha256(web)))));
      await host.dockerOk(['rmi', 'db:1']);
      assert.deepEqual(await layerDirs(host), before, 'rmi of both frees the base');
      assert.deepEqual(await blobs(host), blobsBefore, 'and their blobs');

      assert.match(await load(host, dir, 'dangling', saveArchiveOf({ tag: '', layers: [layerTar('d', 1000)] })), /Loaded image ID: sha256:/);
      await load(host, dir, 'labelled', saveArchiveOf({ tag: 'labelled:1', layers: [layerTar('l', 1000)], config: { Labels: { tier: 'scratch' } } }));
      const pruned = await host.dockerOk(['image', 'prune', '-f']);
      assert.match(pruned, /Deleted Images:\ndeleted: sha256:[0-9a-f]{64}\n\nTotal reclaimed space: [1-9]/);
      assert.match(await host.dockerOk(['images', '--format', '{{.Repository}}']), /labelled/);
      const all = await host.dockerOk(['image', 'prune', '-a', '-f', '--filter', 'label=tier=scratch']);
      assert.match(all, /untagged: labelled:1\ndeleted: sha256:/);
      assert.deepEqual((await host.dockerOk(['images', '--format', '{{.Repository}}'])).split('\n'), ['busybox']);
      assert.deepEqual(await layerDirs(host), before);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a daemon killed mid-load: after restart no half image, no orphan layer, blob or staging directory', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'conet-image-kill-'));
  try {
    await withHost(async (host) => {
      const before = await layerDirs(host);
      const blobsBefore = await blobs(host);
      const file = join(dir, 'big.tar');
      await writeFile(file, saveArchiveOf({ tag: 'big:1', layers: [0, 1, 2, 3, 4, 5].map((index) => layerTar(`l${index}`, 12_000_000)) }));
      const loading = host.docker(['load', '-i', file], { timeoutMs: 60_000 });
      const deadline = Date.now() + 30_000;
      while ((await layerDirs(host)).length === before.length) {
        assert.ok(Date.now() < deadline, 'a layer of the load appears');
        await delay(10);
      }
      await host.kill();
      assert.notEqual((await loading).code, 0, 'the load was cut short');
      assert.ok((await layerDirs(host)).length > before.length, 'the kill left a layer no image names');
      await host.start();
      assert.deepEqual((await host.dockerOk(['images', '--format', '{{.Repository}}'])).split('\n'), ['busybox']);
      assert.deepEqual(await layerDirs(host), before, 'no orphan layer');
      assert.deepEqual(await blobs(host), blobsBefore, 'no orphan blob');
      assert.deepEqual(await readdir(join(imagesRoot(host), 'tmp')), [], 'no staging left');
      const layerdb = (await readdir(join(imagesRoot(host), 'layerdb'))).map((name) => name.replace(/\.json$/, ''));
      assert.deepEqual(layerdb.sort(), before);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
