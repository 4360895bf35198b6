/**
 * The exact blobs push and save send for an image: its config's bytes and, per diff_id, the blob
 * the layer store kept (compressed as pulled, the tar as loaded, imported or built in). A layer
 * stored without its blob (by a conet before blobs were kept) can't be sent byte for byte, so the
 * image is refused with a 400 saying so rather than sent with a rebuilt tar of another digest.
 */
import { invalid } from '../../errors/index.js';
import type { ImageRecord } from '../../model/image.js';
import { diffIdsOf } from './image-meta.js';
import type { LayerBlob } from './layer-info.js';
import type { ImageStore } from './store.js';

export interface KeptLayer {
  diffId: string;
  blob: LayerBlob;
  /** The store's file of the blob. */
  file: string;
}

export interface KeptImage {
  id: string;
  configText: string;
  layers: KeptLayer[];
}

export async function keptImage(store: ImageStore, image: ImageRecord, what: string): Promise<KeptImage> {
  const diffIds = diffIdsOf(image.config);
  if (!diffIds) throw invalid('image-layers', `${what}: image ${image.id} has no usable rootfs.diff_ids`);
  const layers = diffIds.map((diffId) => {
    const blob = store.layers.get(diffId)?.blob;
    if (!blob) throw invalid('no-kept-blob', `${what}: layer ${diffId} of image ${image.id} was stored without its blob (by an older conet); load or pull the image again`);
    return { diffId, blob, file: store.layers.blobPath(blob.digest) };
  });
  return { id: image.id, configText: await store.configText(image.id), layers };
}
