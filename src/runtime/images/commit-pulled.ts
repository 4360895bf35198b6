/**
 * ImageService.commitPulled (the seam of oci-layout.ts): a pulled OCI layout, read as untrusted input
 * (oci-read.ts), becomes an image of the store. Each layer the store lacks is unpacked from its blob
 * (blob-unpack.ts: blob digest and diff_id both checked) through the layer store's single flight,
 * so two pulls needing one layer unpack it once; the blob is kept beside it (layer-store.ts says
 * why). The image, its tag and its RepoDigest are recorded in one serialized step once every layer
 * is in place; until then nothing of it is visible, and everything it made is pinned against a
 * concurrent rmi's sweep.
 */
import type { ImageRecord } from '../../model/image.js';
import type { LayerStore } from './layer-store.js';
import { unpackBlob } from './blob-unpack.js';
import type { LayerDescriptor } from './oci-decode.js';
import type { LayerProgress, PulledLayout } from './oci-layout.js';
import { blobPathIn, openBlob, readLayout } from './oci-read.js';
import type { ImageStore } from './store.js';

export interface CommitDeps {
  store: ImageStore;
  /** Runs a store mutation in the service's serial order. */
  serial: <T>(step: () => Promise<T>) => Promise<T>;
  /** Makes sure the empty layer exists (the one lower directory of an image without layers). */
  ensureEmptyLayer: () => Promise<void>;
}

type Progress = (event: LayerProgress) => void;

const shortId = (digest: string): string => digest.slice('sha256:'.length, 'sha256:'.length + 12);
const PROGRESS_EVERY_MS = 100;

/** `Extracting` events for one layer, at most one per PROGRESS_EVERY_MS and always the last. */
function extractingReporter(layer: LayerDescriptor, progress: Progress): (bytes: number) => void {
  let last = 0;
  return (bytes) => {
    const now = Date.now();
    if (bytes < layer.size && now - last < PROGRESS_EVERY_MS) return;
    last = now;
    progress({ id: shortId(layer.digest), status: 'Extracting', current: bytes, total: layer.size });
  };
}

async function pullLayer(layers: LayerStore, dir: string, layer: LayerDescriptor, diffId: string, progress: Progress, signal: AbortSignal): Promise<void> {
  await layers.ensure(diffId, async (tree) => {
    const handle = await openBlob(dir, layer);
    try {
      const unpacked = await unpackBlob(handle, layer, tree, { expected: diffId, onRead: extractingReporter(layer, progress), signal });
      // The handle unpackBlob read (and verified) is still open: the blob kept is those bytes.
      if (!layers.hasBlob(layer.digest)) await layers.keepBlobFrom(handle, layer.digest, blobPathIn(dir, layer.digest));
      return { diffId, size: unpacked.size, blob: { digest: layer.digest, mediaType: layer.mediaType, size: layer.size } };
    } finally {
      await handle.close();
    }
  });
  progress({ id: shortId(layer.digest), status: 'Pull complete' });
}

export async function commitPulled(deps: CommitDeps, layout: PulledLayout, progress: Progress, signal: AbortSignal): Promise<ImageRecord> {
  signal.throwIfAborted();
  const { manifest, configText, diffIds } = await readLayout(layout);
  const release = deps.store.layers.pin([...diffIds, ...manifest.layers.map((layer) => layer.digest)]);
  try {
    if (diffIds.length === 0) await deps.ensureEmptyLayer();
    for (const [index, layer] of manifest.layers.entries()) {
      signal.throwIfAborted();
      await pullLayer(deps.store.layers, layout.dir, layer, diffIds[index]!, progress, signal);
    }
    signal.throwIfAborted();
    return await deps.serial(async () => {
      const image = await deps.store.add(configText, diffIds);
      const { repository, tag } = layout.reference;
      if (tag !== undefined) await deps.store.tag(image.id, `${repository}:${tag}`);
      await deps.store.tag(image.id, `${repository}@${layout.manifestDigest}`);
      return image;
    });
  } finally {
    release();
  }
}
