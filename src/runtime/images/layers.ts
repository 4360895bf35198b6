/**
 * Unpacking image layers into a staging directory: each layer into its own new directory through
 * the confined extractor, hashed on the way (Docker checks every layer of a `docker load` against
 * its diff_id), then put in overlayfs form.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { invalid } from '../../errors/index.js';
import { extractConfined } from './extract.js';
import { toOverlayLayer } from './overlay-layer.js';
import { ImageStore } from './store.js';

export interface UnpackedLayer {
  /** `sha256:<hex>` of the layer tar as received. */
  diffId: string;
  droppedDevices: number;
}

/** Unpacks `input` as layer `index` of the staged image; `expected` is its diff_id when known. */
export async function unpackLayer(input: Readable, staging: string, index: number, options: { what: string; expected?: string }): Promise<UnpackedLayer> {
  const hash = createHash('sha256');
  const directory = await ImageStore.layerOf(staging, index);
  await extractConfined(input, directory, { what: options.what, tap: (chunk) => hash.update(chunk) });
  const diffId = `sha256:${hash.digest('hex')}`;
  if (options.expected !== undefined && options.expected !== diffId) {
    throw invalid('layer-digest', `loading the image failed: ${options.what} has digest ${diffId}, but the image config says ${options.expected}`);
  }
  const { droppedDevices } = await toOverlayLayer(directory);
  return { diffId, droppedDevices };
}
