/**
 * Unpacking one image layer into an empty tree through the confined extractor, hashed on the way
 * (the uncompressed tar's sha256 is the layer's diff_id, checked against the image config as Docker
 * checks every layer of a `docker load` or a pull), then put in overlayfs form.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { invalid } from '../../errors/index.js';
import { diskUsage } from './disk-usage.js';
import { extractConfined } from './extract.js';
import { toOverlayLayer } from './overlay-layer.js';

export interface UnpackedLayer {
  /** `sha256:<hex>` of the layer tar as unpacked (uncompressed). */
  diffId: string;
  /** Apparent bytes of the unpacked tree. */
  size: number;
  droppedDevices: number;
}

/** Unpacks the uncompressed tar `input` into the empty directory `tree`; `expected` is its diff_id when known. */
export async function unpackLayer(input: Readable, tree: string, options: { what: string; expected?: string }): Promise<UnpackedLayer> {
  const hash = createHash('sha256');
  await extractConfined(input, tree, { what: options.what, tap: (chunk) => hash.update(chunk) });
  const diffId = `sha256:${hash.digest('hex')}`;
  if (options.expected !== undefined && options.expected !== diffId) {
    throw invalid('layer-digest', `loading the image failed: ${options.what} has digest ${diffId}, but the image config says ${options.expected}`);
  }
  const { droppedDevices } = await toOverlayLayer(tree);
  return { diffId, size: await diskUsage(tree), droppedDevices };
}
