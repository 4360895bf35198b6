/**
 * ImageService.commitPulled against the real confined extractor (root: bsdtar chrooted in a mount
 * namespace), with OCI layouts built here as skopeo would leave them: gzip, zstd and uncompressed
 * layers unpack and stack; a second image on the same base unpacks only its own layer; the tag and
 * the RepoDigest are recorded; a blob whose bytes differ from its digest, or a diff_id that doesn't
 * match, is refused and nothing of that image stays; an aborted commit leaves nothing either.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { run } from '../../src/exec/index.js';
import type { LayerProgress } from '../../src/runtime/images/oci-layout.js';
import { ImageService } from '../../src/runtime/images/service.js';
import { ImageStore } from '../../src/runtime/images/store.js';
import { tarOf } from '../helpers/tar.js';

const sha = (data: Buffer | string): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const TYPES = { gzip: 'application/vnd.oci.image.layer.v1.tar+gzip', zstd: 'application/vnd.oci.image.layer.v1.tar+zstd', none: 'application/vnd.oci.image.layer.v1.tar' } as const;
type Compression = keyof typeof TYPES;

async function compress(tar: Buffer, how: Compression, scratch: string): Promise<Buffer> {
  if (how === 'none') return tar;
  if (how === 'gzip') return gzipSync(tar);
  await writeFile(join(scratch, 'in.tar'), tar);
  await run(['zstd', '-q', '-f', '-o', join(scratch, 'out.zst'), join(scratch, 'in.tar')]);
  return readFile(join(scratch, 'out.zst'));
}

interface Layer { tar: Buffer; how: Compression; diffId?: string }

/** An OCI layout of one image; returns the manifest digest. */
async function layout(dir: string, layers: Layer[], tamper?: (blob: Buffer) => Buffer): Promise<string> {
  const blobs = join(dir, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  const put = async (data: Buffer, stored = data): Promise<{ digest: string; size: number }> => {
    await writeFile(join(blobs, sha(data).slice(7)), stored);
    return { digest: sha(data), size: data.length };
  };
  const descriptors = [];
  for (const layer of layers) {
    const blob = await compress(layer.tar, layer.how, dir);
    descriptors.push({ mediaType: TYPES[layer.how], ...(await put(blob, tamper ? tamper(blob) : blob)) });
  }
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', created: '2024-01-01T00:00:00Z', config: { Cmd: ['sh'] },
    rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.diffId ?? sha(layer.tar)) },
  }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...(await put(config)) }, layers: descriptors,
  }));
  const written = await put(manifest);
  await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...written }] }));
  await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  return written.digest;
}

const file = (path: string, data: string): Buffer => tarOf([{ name: path, data }]);

test('commitPulled: gzip, zstd and plain layers, a shared base unpacked once, tag and RepoDigest, refusals leave nothing', async () => {
  const root = await mkdtemp(join(tmpdir(), 'conet-commit-'));
  try {
    const service = new ImageService(new ImageStore(join(root, 'images')));
    await service.start();
    const store = service.store;
    const layersBefore = (await readdir(join(store.root, 'layers'))).length;
    // The built-in busybox keeps its layer tar as a blob: a fresh store has that one.
    const freshBlobs = (await readdir(join(store.root, 'blobs', 'sha256'))).sort();
    const base = file('base.txt', 'base\n');
    const events: LayerProgress[] = [];
    const commit = async (name: string, layers: Layer[], tag: string, tamper?: (blob: Buffer) => Buffer, signal = new AbortController().signal) => {
      const dir = join(root, name);
      const manifestDigest = await layout(dir, layers, tamper);
      return { manifestDigest, image: await service.commitPulled({ dir, manifestDigest, reference: { repository: 'web', tag } }, (event) => events.push(event), signal) };
    };

    const first = await commit('first', [{ tar: base, how: 'gzip' }, { tar: file('zstd.txt', 'zstd\n'), how: 'zstd' }, { tar: file('plain.txt', 'plain\n'), how: 'none' }], '1');
    assert.deepEqual(first.image.repoTags, ['web:1']);
    assert.deepEqual(first.image.repoDigests, [`web@${first.manifestDigest}`]);
    assert.equal(service.inspect(`web@${first.manifestDigest}`).id, first.image.id);
    const [bottom, middle, top] = store.layersOf(first.image.id);
    assert.equal(await readFile(join(bottom!, 'base.txt'), 'utf8'), 'base\n');
    assert.equal(await readFile(join(middle!, 'zstd.txt'), 'utf8'), 'zstd\n');
    assert.equal(await readFile(join(top!, 'plain.txt'), 'utf8'), 'plain\n');
    assert.deepEqual(events.filter((event) => event.status === 'Pull complete').length, 3);
    assert.ok(events.some((event) => event.status === 'Extracting' && event.total !== undefined && event.current === event.total));

    const baseInode = (await stat(bottom!)).ino;
    const second = await commit('second', [{ tar: base, how: 'gzip' }, { tar: file('second.txt', '2\n'), how: 'gzip' }], '2');
    assert.equal(store.layersOf(second.image.id)[0], bottom);
    assert.equal((await stat(bottom!)).ino, baseInode, 'the shared base was not unpacked again');
    assert.equal((await readdir(join(store.root, 'layers'))).length, layersBefore + 4);

    const blobsBefore = (await readdir(join(store.root, 'blobs', 'sha256'))).sort();
    const flip = (blob: Buffer): Buffer => Buffer.concat([blob.subarray(0, -1), Buffer.from([blob.at(-1)! ^ 1])]);
    await assert.rejects(commit('tampered', [{ tar: file('t.txt', 'tampered\n'), how: 'none' }], '3', flip), /layer sha256:[0-9a-f]{64}/);
    await assert.rejects(commit('lying', [{ tar: file('l.txt', 'lie\n'), how: 'gzip', diffId: sha('another tar') }], '4'), /but the image config says/);
    const aborted = new AbortController();
    aborted.abort();
    await assert.rejects(commit('aborted', [{ tar: file('a.txt', 'a\n'), how: 'gzip' }], '5', undefined, aborted.signal), /abort/i);
    assert.deepEqual(service.list().map((image) => image.repoTags.join()).sort(), ['busybox:latest', 'web:1', 'web:2']);
    assert.equal((await readdir(join(store.root, 'layers'))).length, layersBefore + 4, 'no layer of a refused image stays');
    assert.deepEqual((await readdir(join(store.root, 'blobs', 'sha256'))).sort(), blobsBefore, 'nor its blob');

    await service.remove('web:1');
    assert.equal(await stat(bottom!).then(() => true), true, 'the base stays for web:2');
    await service.remove('web:2');
    assert.equal((await readdir(join(store.root, 'layers'))).length, layersBefore);
    assert.deepEqual((await readdir(join(store.root, 'blobs', 'sha256'))).sort(), freshBlobs);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
