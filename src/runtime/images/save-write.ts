/**
 * `docker save`: a `docker load`-able tar of several images and tags, in the layout Docker 25+
 * writes: `blobs/sha256/<hex>` for each config and each layer tar (named by its diff_id), an OCI
 * manifest per image and `index.json` naming each tag, `oci-layout`, and the `manifest.json` every
 * `docker load` (Docker's, ours) reads. The layer tars are the store's kept blobs: a tar as loaded
 * or imported is sent as it is; a pulled gzip/zstd blob is decompressed into the save's scratch
 * directory with its sha256 checked against the diff_id, so the config's diff_ids hold and a
 * `load` gives the same image id. Names resolve before anything is written; layers are pinned
 * against a concurrent rmi while the archive streams.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { system } from '../../errors/index.js';
import { startPiped } from '../../exec/index.js';
import type { ImageRecord } from '../../model/image.js';
import { keptImage, type KeptImage, type KeptLayer } from './kept-blobs.js';
import { familiarName, looksLikeId, parseRegistryReference } from './reference.js';
import { hexOf } from './layer-store.js';
import { noSuchImage, type ImageStore } from './store.js';
import { tarStream, type TarEntry } from './tar-writer.js';

export interface SaveItem {
  image: ImageRecord;
  repoTags: string[];
}

/** The images the names give, each once, with the tags to record (none for an id or digest). */
export function selectForSave(store: ImageStore, names: readonly string[]): SaveItem[] {
  const items = new Map<string, SaveItem>();
  const add = (image: ImageRecord, tags: readonly string[]): void => {
    const item = items.get(image.id) ?? { image, repoTags: [] };
    for (const tag of tags) if (!item.repoTags.includes(tag)) item.repoTags.push(tag);
    items.set(image.id, item);
  };
  for (const name of names) {
    const byId = looksLikeId(name) ? store.find(name) : undefined;
    if (byId) {
      add(byId, []);
      continue;
    }
    const reference = parseRegistryReference(name);
    const repository = familiarName({ domain: reference.domain, path: reference.path });
    if (reference.digest !== undefined) add(store.get(name), []);
    else if (reference.tag !== undefined) add(store.get(name), [`${repository}:${reference.tag}`]);
    else {
      const tagged = store.list().filter((image) => image.repoTags.some((tag) => tag.startsWith(`${repository}:`)));
      if (tagged.length === 0) throw noSuchImage(name);
      for (const image of tagged) add(image, image.repoTags.filter((tag) => tag.startsWith(`${repository}:`)));
    }
  }
  return [...items.values()];
}

const TAR_TYPES = new Set(['application/vnd.docker.image.rootfs.diff.tar', 'application/vnd.oci.image.layer.v1.tar']);

function decompressor(mediaType: string): { stream: Transform | ReturnType<typeof startPiped>; kind: 'gzip' | 'zstd' } {
  if (/zstd$/.test(mediaType)) return { stream: startPiped(['zstd', '-d', '-c', '-q'], { stderr: 'ignore' }), kind: 'zstd' };
  return { stream: createGunzip(), kind: 'gzip' };
}

/** The layer's tar as a file: the kept blob itself, or its decompression into `scratch`. */
async function layerTar(layer: KeptLayer, scratch: string): Promise<{ file: string; size: number }> {
  if (TAR_TYPES.has(layer.blob.mediaType) && layer.blob.digest === layer.diffId) return { file: layer.file, size: layer.blob.size };
  const target = join(scratch, hexOf(layer.diffId));
  const hash = createHash('sha256');
  let size = 0;
  const count = new Transform({ transform(chunk: Buffer, _encoding, done) { hash.update(chunk); size += chunk.length; done(null, chunk); } });
  const { stream, kind } = decompressor(layer.blob.mediaType);
  if (kind === 'gzip') await pipeline(createReadStream(layer.file), stream as Transform, count, createWriteStream(target, { mode: 0o600 }));
  else {
    const zstd = stream as ReturnType<typeof startPiped>;
    await Promise.all([pipeline(createReadStream(layer.file), zstd.stdin!), pipeline(zstd.stdout!, count, createWriteStream(target, { mode: 0o600 }))]);
    if ((await zstd.exited) !== 0) throw system('save-decompress', `saving: layer ${layer.diffId} could not be decompressed`);
  }
  const digest = `sha256:${hash.digest('hex')}`;
  if (digest !== layer.diffId) throw system('save-layer-digest', `saving: layer blob ${layer.blob.digest} decompresses to ${digest}, not ${layer.diffId}`);
  return { file: target, size };
}

const blobName = (digest: string): string => `blobs/sha256/${hexOf(digest)}`;
const sha256 = (data: Buffer): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** manifest.json, the OCI manifests and index.json of the archive, as data entries. */
function metadata(images: ReadonlyArray<{ kept: KeptImage; tags: string[] }>, sizes: ReadonlyMap<string, number>): TarEntry[] {
  const entries: TarEntry[] = [];
  const index: unknown[] = [];
  const manifest = images.map(({ kept, tags }) => {
    const configDigest = sha256(Buffer.from(kept.configText));
    const oci = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: Buffer.byteLength(kept.configText) },
      layers: kept.layers.map((layer) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer.diffId, size: sizes.get(layer.diffId)! })),
    }));
    const ociDigest = sha256(oci);
    entries.push({ kind: 'data', name: blobName(ociDigest), data: oci });
    const descriptor = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: ociDigest, size: oci.length };
    if (tags.length === 0) index.push(descriptor);
    for (const tag of tags) index.push({ ...descriptor, annotations: { 'io.containerd.image.name': tag, 'org.opencontainers.image.ref.name': tag.slice(tag.lastIndexOf(':') + 1) } });
    return { Config: blobName(configDigest), RepoTags: tags, Layers: kept.layers.map((layer) => blobName(layer.diffId)) };
  });
  entries.push({ kind: 'data', name: 'index.json', data: Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: index })) });
  entries.push({ kind: 'data', name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) });
  entries.push({ kind: 'data', name: 'oci-layout', data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') });
  return entries;
}

/** Writes the archive of `items` to `out`; `scratch` is an empty private directory of the store's. */
export async function writeSave(store: ImageStore, items: readonly SaveItem[], out: Writable, scratch: string): Promise<void> {
  const images = [];
  for (const item of items) images.push({ kept: await keptImage(store, item.image, 'saving'), tags: item.repoTags });
  const entries: TarEntry[] = [{ kind: 'dir', name: 'blobs' }, { kind: 'dir', name: 'blobs/sha256' }];
  const sizes = new Map<string, number>();
  for (const { kept } of images) {
    const configData = Buffer.from(kept.configText);
    const name = blobName(sha256(configData));
    if (!entries.some((entry) => entry.name === name)) entries.push({ kind: 'data', name, data: configData });
    for (const layer of kept.layers) {
      if (sizes.has(layer.diffId)) continue;
      const tar = await layerTar(layer, scratch);
      sizes.set(layer.diffId, tar.size);
      entries.push({ kind: 'file', name: blobName(layer.diffId), size: tar.size, file: tar.file });
    }
  }
  entries.push(...metadata(images, sizes));
  await pipeline(Readable.from(tarStream(entries)), out);
}
