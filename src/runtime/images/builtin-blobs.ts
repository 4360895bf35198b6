/**
 * Blobs for images conet makes itself, so they push and save byte for byte like pulled or loaded
 * ones (layer-store.ts says why blobs are kept): `docker import` spools the body into a file
 * under the store's tmp/ while hashing it (that sha256 is the diff_id) and unpacks from the file;
 * the built-in busybox's tree is archived once with GNU tar (sorted, root-owned, mtime 0, so
 * the same binary gives the same layer) and the config names that tar's sha256. The tar file then
 * becomes the layer's blob by a rename (same filesystem), no copy.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { run } from '../../exec/index.js';
import type { LayerBlob } from './layer-info.js';
import type { LayerStore } from './layer-store.js';

export const TAR_MEDIA_TYPE = 'application/vnd.docker.image.rootfs.diff.tar';

/** An uncompressed layer tar in a file of the store's tmp/, and its sha256 (the diff_id). */
export interface KeptTar {
  file: string;
  diffId: string;
  size: number;
}

/** Writes `body` to `file`, hashing it on the way. */
export async function spoolTar(body: Readable, file: string): Promise<KeptTar> {
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(body, tap, createWriteStream(file, { mode: 0o600 }));
  return { file, diffId: `sha256:${hash.digest('hex')}`, size };
}

/** The tar becomes the layer's blob unless the store keeps that blob already; returns the blob. */
export async function keepImportedTar(layers: LayerStore, tar: KeptTar): Promise<LayerBlob> {
  if (!layers.hasBlob(tar.diffId)) await layers.adoptBlobFile(tar.file, tar.diffId);
  return { digest: tar.diffId, mediaType: TAR_MEDIA_TYPE, size: tar.size };
}

const TAR_FLAGS = ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '--format=gnu'];

/**
 * Fills `tree` with `build` (which returns the config text), archives it beside the tree, and
 * returns the tar and the config with rootfs.diff_ids naming that tar.
 */
export async function buildBuiltinLayer(tree: string, build: (tree: string) => Promise<string>): Promise<{ tar: KeptTar; config: string }> {
  const configText = await build(tree);
  const file = join(tree, '..', 'layer.tar');
  await run(['tar', ...TAR_FLAGS, '-C', tree, '-cf', file, '.'], { timeoutMs: 120_000 });
  const data = await readFile(file);
  const diffId = `sha256:${createHash('sha256').update(data).digest('hex')}`;
  const config = JSON.parse(configText) as { rootfs: { type: string; diff_ids: string[] } };
  config.rootfs = { type: 'layers', diff_ids: [diffId] };
  return { tar: { file, diffId, size: (await stat(file)).size }, config: JSON.stringify(config) };
}
