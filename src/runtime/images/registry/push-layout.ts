/**
 * The OCI image layout a push copies from (skopeo 1.9's `oci:` source takes OCI manifests only):
 * `oci-layout`, `index.json` naming one manifest, the manifest and the image config written here
 * (the config's exact bytes, so the image id survives the round trip), and each layer blob hard-
 * linked from the store's `blobs/sha256/` (same filesystem: no copy of a big blob). Layers are sent
 * as the store keeps them (compressed as pulled, a plain tar as loaded or imported), each with the
 * OCI media type of its compression, so skopeo (with --preserve-digests) pushes exactly this
 * manifest and its digest is known before the push starts.
 */
import { createHash } from 'node:crypto';
import { link, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { invalid } from '../../../errors/index.js';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
/** The ref name the layout gives its one manifest (`oci:DIR:push`). */
export const PUSH_REF = 'push';

export interface PushLayer {
  /** `sha256:` of the uncompressed tar (Docker's push progress shows its first 12 hex digits). */
  diffId: string;
  /** `sha256:` of the kept blob. */
  digest: string;
  mediaType: string;
  size: number;
  /** The store's file of the blob. */
  file: string;
}

export interface PushImage {
  /** The image config's exact bytes (their sha256 is the image id). */
  configText: string;
  layers: PushLayer[];
}

export interface PushManifest {
  raw: string;
  digest: string;
  size: number;
}

const TYPES: Record<string, string> = {
  'application/vnd.docker.image.rootfs.diff.tar': 'application/vnd.oci.image.layer.v1.tar',
  'application/vnd.docker.image.rootfs.diff.tar.gzip': 'application/vnd.oci.image.layer.v1.tar+gzip',
  'application/vnd.oci.image.layer.v1.tar': 'application/vnd.oci.image.layer.v1.tar',
  'application/vnd.oci.image.layer.v1.tar+gzip': 'application/vnd.oci.image.layer.v1.tar+gzip',
  'application/vnd.oci.image.layer.v1.tar+zstd': 'application/vnd.oci.image.layer.v1.tar+zstd',
};

/** The OCI media type of a kept blob's type; a type the store should never keep is refused. */
export function ociLayerType(mediaType: string): string {
  const type = TYPES[mediaType];
  if (!type) throw invalid('push-layer-type', `cannot push a layer of media type ${JSON.stringify(mediaType)}`);
  return type;
}

const sha256 = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;

/** The OCI manifest of the image, as pushed (its digest is the RepoDigest the push reports). */
export function pushManifest(image: PushImage): PushManifest {
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: sha256(image.configText), size: Buffer.byteLength(image.configText) },
    layers: image.layers.map((layer) => ({ mediaType: ociLayerType(layer.mediaType), digest: layer.digest, size: layer.size })),
  };
  const raw = JSON.stringify(manifest);
  return { raw, digest: sha256(raw), size: Buffer.byteLength(raw) };
}

const hexOf = (digest: string): string => digest.replace(/^sha256:/, '');

/** Writes the layout into the empty directory `dir`; returns its manifest. */
export async function writePushLayout(dir: string, image: PushImage): Promise<PushManifest> {
  const manifest = pushManifest(image);
  const blobs = join(dir, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true, mode: 0o700 });
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(join(blobs, hexOf(sha256(image.configText))), image.configText);
  await writeFile(join(blobs, hexOf(manifest.digest)), manifest.raw);
  for (const layer of image.layers) {
    await link(layer.file, join(blobs, hexOf(layer.digest))).catch((error: NodeJS.ErrnoException) => {
      // The same blob twice in one image: linked once.
      if (error.code !== 'EEXIST') throw error;
    });
  }
  const entry = { mediaType: OCI_MANIFEST, digest: manifest.digest, size: manifest.size, annotations: { 'org.opencontainers.image.ref.name': PUSH_REF } };
  await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [entry] }));
  return manifest;
}
