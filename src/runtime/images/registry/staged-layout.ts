/**
 * The OCI layout handed to the store's commitPulled, built beside skopeo's own while the copy runs:
 * from the start it holds exactly what the registry served for the manifest (its own bytes, not
 * skopeo's conversion of a Docker schema 2 manifest to OCI, which would change its digest) and
 * index.json; the registry's config bytes come next (fetched by their own `skopeo inspect`, kept
 * only if their sha256 is the manifest's config digest); each layer blob is hard-linked from the
 * shared blob directory as soon as skopeo has verified it (arrivals.ts), so the store can unpack it
 * while the rest download. The store reads all of it again as untrusted input (oci-read.ts).
 */
import { createHash } from 'node:crypto';
import { link, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { system } from '../../../errors/index.js';
import type { ImageManifest } from './manifest.js';

const hexOf = (digest: string): string => digest.slice('sha256:'.length);

export class StagedLayout {
  private constructor(readonly dir: string, private readonly manifest: ImageManifest) {}

  static async create(dir: string, manifest: ImageManifest): Promise<StagedLayout> {
    await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true, mode: 0o700 });
    await writeFile(join(dir, 'blobs', 'sha256', hexOf(manifest.digest)), manifest.raw, { mode: 0o600 });
    const entry = { mediaType: manifest.mediaType, digest: manifest.digest, size: Buffer.byteLength(manifest.raw) };
    await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [entry] }), { mode: 0o600 });
    await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }), { mode: 0o600 });
    return new StagedLayout(dir, manifest);
  }

  /** The registry's config text, refused unless its sha256 is the manifest's config digest. */
  async writeConfig(text: string): Promise<void> {
    const { config } = this.manifest;
    const digest = `sha256:${createHash('sha256').update(text).digest('hex')}`;
    if (digest !== config.digest) throw system('digest-mismatch', `filesystem layer verification failed for digest ${config.digest}`);
    await writeFile(join(this.dir, 'blobs', 'sha256', hexOf(config.digest)), text, { mode: 0o600 });
  }

  /** Links a verified blob from the shared directory; a missing one is left for the store's check. */
  async linkBlob(sharedBlobs: string, digest: string): Promise<void> {
    await link(join(sharedBlobs, 'sha256', hexOf(digest)), join(this.dir, 'blobs', 'sha256', hexOf(digest))).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST' && error.code !== 'ENOENT') throw error;
    });
  }
}
