/**
 * A registry's manifest as skopeo hands it over (`inspect --raw`): untrusted JSON, decoded into
 * one of two types before use. Media types are allow-listed: Docker schema 2 and OCI manifests,
 * Docker manifest lists and OCI indexes; schema 1 (Docker 28 refuses it too) and anything else
 * is refused with the registry's media type named. Digests and sizes are checked for shape.
 */
import { createHash } from 'node:crypto';
import { EngineError } from '../../../errors/index.js';
import type { Platform } from '../../../model/registry.js';

export const MANIFEST_TYPES = new Set(['application/vnd.docker.distribution.manifest.v2+json', 'application/vnd.oci.image.manifest.v1+json']);
export const INDEX_TYPES = new Set(['application/vnd.docker.distribution.manifest.list.v2+json', 'application/vnd.oci.image.index.v1+json']);
export const LAYER_TYPES = new Set([
  'application/vnd.docker.image.rootfs.diff.tar.gzip',
  'application/vnd.oci.image.layer.v1.tar+gzip',
  'application/vnd.oci.image.layer.v1.tar',
  'application/vnd.oci.image.layer.v1.tar+zstd',
]);
const CONFIG_TYPES = new Set(['application/vnd.docker.container.image.v1+json', 'application/vnd.oci.image.config.v1+json']);
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const MAX_ENTRIES = 1000;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export interface ImageManifest {
  kind: 'manifest';
  digest: string;
  /** The bytes as the registry sent them (their sha256 is `digest`) and their media type. */
  raw: string;
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface IndexEntry extends Descriptor {
  platform?: Platform;
}

export interface ImageIndex {
  kind: 'index';
  digest: string;
  manifests: IndexEntry[];
}

/** A registry that sent something we can't use: Docker answers these with a 500. */
export function badManifest(detail: string): EngineError {
  return new EngineError('system', 'bad-manifest', `error parsing the registry's manifest: ${detail}`);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function descriptor(value: unknown, allowed: ReadonlySet<string> | undefined, what: string): Descriptor {
  if (!isObject(value)) throw badManifest(`${what} is not an object`);
  const { mediaType, digest, size } = value;
  if (typeof mediaType !== 'string' || (allowed && !allowed.has(mediaType))) throw badManifest(`${what} has an unsupported media type ${JSON.stringify(String(mediaType).slice(0, 100))}`);
  if (typeof digest !== 'string' || !DIGEST.test(digest)) throw badManifest(`${what} has no valid sha256 digest`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw badManifest(`${what} has no valid size`);
  return { mediaType, digest, size };
}

function platformOf(value: unknown): Platform | undefined {
  if (!isObject(value)) return undefined;
  const { os, architecture, variant } = value;
  if (typeof os !== 'string' || typeof architecture !== 'string') return undefined;
  return { os, architecture, ...(typeof variant === 'string' && variant !== '' ? { variant } : {}) };
}

function parseJson(raw: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw badManifest('not JSON');
  }
  if (!isObject(value)) throw badManifest('not a JSON object');
  return value;
}

/** The media type: the field, or (OCI allows leaving it out) what the document's keys say. */
function mediaTypeOf(document: Record<string, unknown>): string {
  if (typeof document['mediaType'] === 'string') return document['mediaType'];
  if (document['schemaVersion'] === 1) return 'application/vnd.docker.distribution.manifest.v1+json';
  if (Array.isArray(document['manifests'])) return 'application/vnd.oci.image.index.v1+json';
  return 'application/vnd.oci.image.manifest.v1+json';
}

function list(document: Record<string, unknown>, key: string): unknown[] {
  const value = document[key];
  if (!Array.isArray(value) || value.length > MAX_ENTRIES) throw badManifest(`${key} is not a list of at most ${MAX_ENTRIES}`);
  return value;
}

/** Decodes a manifest or index; `digest` is the sha256 of the bytes as received. */
export function decodeManifest(raw: string): ImageManifest | ImageIndex {
  const digest = `sha256:${createHash('sha256').update(raw).digest('hex')}`;
  const document = parseJson(raw);
  if (document['schemaVersion'] !== 2) throw badManifest(`schema version ${JSON.stringify(document['schemaVersion'])} is not supported (only schema 2 and OCI)`);
  const mediaType = mediaTypeOf(document);
  if (INDEX_TYPES.has(mediaType)) {
    const manifests = list(document, 'manifests').map((entry, index): IndexEntry => {
      const base = descriptor(entry, MANIFEST_TYPES, `manifests[${index}]`);
      const platform = platformOf((entry as Record<string, unknown>)['platform']);
      return platform ? { ...base, platform } : base;
    });
    return { kind: 'index', digest, manifests };
  }
  if (!MANIFEST_TYPES.has(mediaType)) throw badManifest(`unsupported manifest media type ${JSON.stringify(mediaType.slice(0, 100))}`);
  const config = descriptor(document['config'], CONFIG_TYPES, 'config');
  const layers = list(document, 'layers').map((layer, index) => descriptor(layer, LAYER_TYPES, `layers[${index}]`));
  return { kind: 'manifest', digest, raw, mediaType, config, layers };
}
