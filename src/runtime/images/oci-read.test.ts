import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLayout } from './oci-read.js';

const sha = (data: string | Buffer): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';

interface Parts {
  index?: (manifest: { digest: string; size: number }) => unknown;
  manifest?: (config: { digest: string; size: number }) => unknown;
  config?: unknown;
}

/** An OCI layout of one image with one (fake) layer; `parts` replace a document to make it bad. */
async function layout(dir: string, parts: Parts = {}): Promise<string> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  const put = async (text: string): Promise<{ digest: string; size: number }> => {
    await writeFile(join(dir, 'blobs', 'sha256', sha(text).slice(7)), text);
    return { digest: sha(text), size: Buffer.byteLength(text) };
  };
  const layer = await put('layer bytes');
  const config = await put(JSON.stringify(parts.config ?? { architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [sha('tar')] } }));
  const manifest = await put(JSON.stringify(parts.manifest?.(config) ?? {
    schemaVersion: 2, mediaType: MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: LAYER, ...layer }],
  }));
  await writeFile(join(dir, 'index.json'), JSON.stringify(parts.index?.(manifest) ?? { schemaVersion: 2, manifests: [{ mediaType: MANIFEST, ...manifest }] }));
  return manifest.digest;
}

async function read(parts: Parts, tamper?: (dir: string, digest: string) => Promise<void>): Promise<Awaited<ReturnType<typeof readLayout>>> {
  const dir = await mkdtemp(join(tmpdir(), 'conet-layout-'));
  try {
    const digest = await layout(dir, parts);
    await tamper?.(dir, digest);
    return await readLayout({ dir, manifestDigest: digest, reference: { repository: 'web', tag: '1' } });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a good layout: the manifest layers with their compression and the config diff_ids', async () => {
  const verified = await read({});
  assert.deepEqual(verified.manifest.layers.map((layer) => layer.compression), ['gzip']);
  assert.deepEqual(verified.diffIds, [sha('tar')]);
});

test('bad layouts are refused with a 400 naming what is wrong', async () => {
  const refused = async (parts: Parts, pattern: RegExp, tamper?: (dir: string, digest: string) => Promise<void>): Promise<void> => {
    await assert.rejects(read(parts, tamper), (error: Error & { kind?: string }) => {
      assert.equal(error.kind, 'invalid');
      assert.match(error.message, pattern);
      return true;
    });
  };
  await refused({ index: () => ({ schemaVersion: 2, manifests: 'x' }) }, /index.json: expected schemaVersion 2/);
  await refused({ index: () => ({ schemaVersion: 2, manifests: [] }) }, /does not list the manifest/);
  await refused({ manifest: (config) => ({ schemaVersion: 2, config: { mediaType: 'text/plain', ...config }, layers: [] }) }, /media type "text\/plain"/);
  await refused({ manifest: (config) => ({ schemaVersion: 2, config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config }, layers: [{ mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', digest: sha('x'), size: 1 }] }) }, /foreign/);
  await refused({ manifest: (config) => ({ schemaVersion: 2, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: 'sha256:../../etc', size: config.size }, layers: [] }) }, /not sha256:<64 hex>/);
  await refused({ config: { architecture: 'amd64', os: 'linux', config: {}, rootfs: { diff_ids: [] } } }, /lists 0 diff_ids for 1 layers/);
  await refused({ config: { architecture: 'amd64', os: 'linux', config: {}, rootfs: { diff_ids: ['md5:x'] } } }, /sha256 digests/);
  await refused({}, /has digest sha256:[0-9a-f]{64}, its descriptor says/, async (dir, digest) => {
    const path = join(dir, 'blobs', 'sha256', digest.slice(7));
    await writeFile(path, (await readFile(path, 'utf8')).replace('schemaVersion', 'schemaVersiom'));
  });
  await refused({}, /the manifest has 16 bytes, its descriptor says/, async (dir, digest) => {
    await writeFile(join(dir, 'blobs', 'sha256', digest.slice(7)), 'changed manifest');
  });
  await refused({}, /not JSON/, async (dir) => writeFile(join(dir, 'index.json'), '{'));
  await refused({}, /index.json/, async (dir) => {
    await rm(join(dir, 'index.json'));
    await symlink('/etc/hostname', join(dir, 'index.json'));
  });
});
