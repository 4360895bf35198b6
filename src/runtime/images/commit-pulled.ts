/**
 * ImageService.commitPulled (the seam of oci-layout.ts): a pulled OCI layout, read as untrusted input
 * (oci-read.ts), becomes an image of the store. Each layer the store lacks is unpacked from its blob
 * (blob-unpack.ts: blob digest and diff_id both checked) through the layer store's single flight,
 * so two pulls needing one layer unpack it once; the blob is kept beside it (layer-store.ts says
 * why). A layout still being filled (`layout.ready`) is read once its config is there, and each
 * layer unpacked as soon as its blob is, in whatever order they come, at most UNPACKS at a time. The image, its tag and its RepoDigest are recorded in one serialized step once every layer
 * is in place; until then nothing of it is visible, and everything it made is pinned against a
 * concurrent rmi's sweep. A commit that fails (or is cancelled) sweeps the layers it made.
 */
import type { ImageRecord } from '../../model/image.js';
import type { LayerStore } from './layer-store.js';
import { unpackBlob } from './blob-unpack.js';
import type { LayerDescriptor } from './oci-decode.js';
import type { LayerProgress, PulledLayout } from './oci-layout.js';
import { blobPathIn, openBlob, readLayout, type VerifiedLayout } from './oci-read.js';
import type { ImageStore } from './store.js';
import { unpackInArrivalOrder } from './unpack-queue.js';

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
/** Two unpacks at once keep both CPUs of a small machine busy while skopeo still downloads. */
const UNPACKS = 2;

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

/** Every layer unpacked (layers the store has are only counted), as their blobs arrive. */
async function unpackAll(deps: CommitDeps, layout: PulledLayout, read: VerifiedLayout, progress: Progress, signal: AbortSignal): Promise<void> {
  const jobs = read.manifest.layers.map((layer, index) => ({ layer, diffId: read.diffIds[index]! }));
  const arrived = (job: (typeof jobs)[number]): Promise<void> => layout.ready?.layer(job.layer.digest) ?? Promise.resolve();
  await unpackInArrivalOrder(jobs, UNPACKS, arrived, (job, stop) => pullLayer(deps.store.layers, layout.dir, job.layer, job.diffId, progress, stop), signal);
}

export async function commitPulled(deps: CommitDeps, layout: PulledLayout, progress: Progress, signal: AbortSignal): Promise<ImageRecord> {
  signal.throwIfAborted();
  await layout.ready?.config;
  const read = await readLayout(layout);
  const { manifest, configText, diffIds } = read;
  const release = deps.store.layers.pin([...diffIds, ...manifest.layers.map((layer) => layer.digest)]);
  try {
    if (diffIds.length === 0) await deps.ensureEmptyLayer();
    await unpackAll(deps, layout, read, progress, signal);
    signal.throwIfAborted();
    return await deps.serial(async () => {
      const image = await deps.store.add(configText, diffIds);
      const { repository, tag } = layout.reference;
      if (tag !== undefined) await deps.store.tag(image.id, `${repository}:${tag}`);
      await deps.store.tag(image.id, `${repository}@${layout.manifestDigest}`);
      return image;
    });
  } catch (error) {
    // Layers unpacked while the copy ran are freed again when the pull fails (pinned ones stay).
    release();
    // A sweep that fails leaves them to the next rmi or daemon start; the pull's own error is the story.
    await deps.serial(() => deps.store.layers.sweep(deps.store.inUse())).catch(() => undefined);
    throw error;
  } finally {
    release();
  }
}
