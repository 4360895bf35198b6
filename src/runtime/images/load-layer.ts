/**
 * One layer of a `docker load` archive (already unpacked, confined, under the store's tmp/) into a
 * layer-store tree: the tar opened inside the archive (save-archive.ts), unpacked with its diff_id
 * checked, and the tar itself kept as the layer's blob (layer-store.ts says why).
 */
import type { LayerInfo, LayerStore } from './layer-store.js';
import { unpackLayer } from './layers.js';
import { openLayer } from './save-archive.js';

const TAR = 'application/vnd.docker.image.rootfs.diff.tar';

export async function loadLayer(layers: LayerStore, archive: string, path: string, diffId: string, tree: string): Promise<LayerInfo> {
  const handle = await openLayer(archive, path);
  try {
    const unpacked = await unpackLayer(handle.createReadStream({ autoClose: false }), tree, { what: `layer ${JSON.stringify(path)}`, expected: diffId });
    const { size } = await handle.stat();
    if (!layers.hasBlob(diffId)) await layers.keepBlobFrom(handle, diffId);
    return { diffId, size: unpacked.size, blob: { digest: diffId, mediaType: TAR, size } };
  } finally {
    await handle.close();
  }
}
