/**
 * The JSON of an OCI image layout, decoded into types before use: index.json, the image manifest
 * (OCI or Docker schema 2) and the config's diff_ids. Media types are allow-listed: the two manifest
 * types, the two config types, and layers as tar, gzip or zstd (non-distributable "foreign" layers
 * are refused: conet would have to fetch them from elsewhere). Every digest is `sha256:<64 hex>`.
 */
import { invalid } from '../../errors/index.js';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export type Compression = 'none' | 'gzip' | 'zstd';

export interface LayerDescriptor extends Descriptor {
  compression: Compression;
}

export interface ImageManifest {
  config: Descriptor;
  layers: LayerDescriptor[];
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const MANIFEST_TYPES = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'];
const CONFIG_TYPES = ['application/vnd.oci.image.config.v1+json', 'application/vnd.docker.container.image.v1+json'];
const LAYER_TYPES: Record<string, Compression> = {
  'application/vnd.oci.image.layer.v1.tar': 'none',
  'application/vnd.oci.image.layer.v1.tar+gzip': 'gzip',
  'application/vnd.oci.image.layer.v1.tar+zstd': 'zstd',
  'application/vnd.docker.image.rootfs.diff.tar': 'none',
  'application/vnd.docker.image.rootfs.diff.tar.gzip': 'gzip',
};

const bad = (what: string, why: string): Error => invalid('bad-image-layout', `the pulled image is not valid: ${what}: ${why}`);

function parse(text: string, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw bad(what, `not JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw bad(what, 'not a JSON object');
  return parsed as Record<string, unknown>;
}

function descriptor(value: unknown, what: string, types: readonly string[]): Descriptor {
  const record = (value !== null && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const { mediaType, digest, size } = record;
  if (typeof mediaType !== 'string' || !types.includes(mediaType)) throw bad(what, `media type ${JSON.stringify(mediaType)} is not one conet takes`);
  if (typeof digest !== 'string' || !DIGEST.test(digest)) throw bad(what, `digest ${JSON.stringify(digest)} is not sha256:<64 hex>`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw bad(what, 'size must be a byte count');
  return { mediaType, digest, size };
}

/** The descriptor of `manifestDigest` in index.json. */
export function decodeIndex(text: string, manifestDigest: string): Descriptor {
  const index = parse(text, 'index.json');
  if (index['schemaVersion'] !== 2 || !Array.isArray(index['manifests'])) throw bad('index.json', 'expected schemaVersion 2 and a manifests list');
  const entries = index['manifests'].map((entry, at) => descriptor(entry, `index.json manifests[${at}]`, MANIFEST_TYPES));
  const found = entries.find((entry) => entry.digest === manifestDigest);
  if (!found) throw bad('index.json', `it does not list the manifest ${manifestDigest}`);
  return found;
}

/** The image manifest; its own mediaType, when present, must agree with the index's. */
export function decodeManifest(text: string, mediaType: string): ImageManifest {
  const manifest = parse(text, 'manifest');
  if (manifest['schemaVersion'] !== 2) throw bad('manifest', 'expected schemaVersion 2');
  if (manifest['mediaType'] !== undefined && manifest['mediaType'] !== mediaType) throw bad('manifest', `media type ${JSON.stringify(manifest['mediaType'])} differs from the index's ${mediaType}`);
  const config = descriptor(manifest['config'], 'manifest config', CONFIG_TYPES);
  if (!Array.isArray(manifest['layers'])) throw bad('manifest', 'layers must be a list');
  const layers = manifest['layers'].map((layer, at) => {
    const found = descriptor(layer, `manifest layers[${at}]`, Object.keys(LAYER_TYPES));
    return { ...found, compression: LAYER_TYPES[found.mediaType]! };
  });
  return { config, layers };
}

/** The config's diff_ids, one per manifest layer. */
export function decodeConfigDiffIds(text: string, layerCount: number): string[] {
  const config = parse(text, 'image config');
  const rootfs = config['rootfs'] as { diff_ids?: unknown } | undefined;
  const ids = rootfs?.diff_ids;
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string' && DIGEST.test(id))) throw bad('image config', 'rootfs.diff_ids must be a list of sha256 digests');
  if (ids.length !== layerCount) throw bad('image config', `it lists ${ids.length} diff_ids for ${layerCount} layers`);
  if (typeof config['architecture'] !== 'string' || typeof config['os'] !== 'string') throw bad('image config', 'architecture and os are required');
  const runConfig = config['config'];
  if (runConfig === null || typeof runConfig !== 'object' || Array.isArray(runConfig)) throw bad('image config', 'config must be an object');
  return ids as string[];
}
