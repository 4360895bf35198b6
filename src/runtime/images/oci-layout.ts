/**
 * The seam between the registry client and the layer store. The registry client copies an image
 * (skopeo, every blob digest-verified) into an OCI image layout in a staging directory of its own
 * and hands it to `ImageService.commitPulled(layout, progress, signal)`, which re-reads the layout as
 * untrusted input (index.json -> manifest -> config, sizes and digests re-checked, media types
 * allow-listed), unpacks the layers the store lacks and records the image with its RepoDigest and
 * tag. The layout directory stays the caller's: commitPulled moves the blobs it keeps out of it and
 * the caller removes the rest.
 */

export interface PulledReference {
  /** Normalised repository as Docker shows it: `nginx`, `registry:5000/team/app`. */
  repository: string;
  /** The tag asked for (`docker pull nginx:1.9.1`); absent for a pull by digest. */
  tag?: string;
  /** `sha256:<hex>` when the pull named a digest. */
  digest?: string;
}

export interface PulledLayout {
  /** An OCI image layout: `oci-layout`, `index.json`, `blobs/sha256/<hex>`. */
  dir: string;
  /** `sha256:<hex>` of the image manifest (the platform's one, not the index) in `dir`. */
  manifestDigest: string;
  reference: PulledReference;
  /**
   * Set when the layout is still being filled (the registry client copies while the store
   * unpacks): `config` settles once index.json, the manifest and the config are in `dir`, and
   * `layer(digest)` once that layer blob is (or will never be: the store's check then finds it
   * missing). Either rejects with the copy's error when the copy failed.
   */
  ready?: { config: Promise<void>; layer: (digest: string) => Promise<void> };
}

/**
 * One line of Docker's pull progress for one layer. `id` is the layer's short id as Docker shows it:
 * the first 12 hex digits of the compressed blob's digest. commitPulled emits `Extracting` (bytes of
 * the compressed blob read so far, of its size) and `Pull complete`, or `Already exists` for a layer
 * the store has; the registry client emits the download statuses.
 */
export interface LayerProgress {
  id: string;
  status: 'Pulling fs layer' | 'Waiting' | 'Downloading' | 'Verifying Checksum' | 'Download complete' | 'Extracting' | 'Pull complete' | 'Already exists';
  current?: number;
  total?: number;
}

/**
 * What the registry client may ask the store before copying: `ImageService.hasBlob(digest)` is true
 * when the store keeps that compressed layer blob (a layer it has), so the client can report
 * `Already exists` and need not fetch it again.
 */
export type HasBlob = (digest: string) => boolean;

export type CommitPulled = (layout: PulledLayout, progress: (event: LayerProgress) => void, signal: AbortSignal) => Promise<import('../../model/image.js').ImageRecord>;
