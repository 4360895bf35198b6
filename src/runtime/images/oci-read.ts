/**
 * Reading a pulled OCI image layout as untrusted input: every file is opened inside the layout
 * directory (root-files.ts: no symlink reaches a host file), index.json -> manifest -> config are
 * decoded into types (oci-decode.ts), and each blob's size and sha256 are checked against the
 * descriptor that named it before its bytes are used.
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { invalid } from '../../errors/index.js';
import { openFileInRoot, readFileInRoot } from '../../kernel/linux/root-files.js';
import { decodeConfigDiffIds, decodeIndex, decodeManifest, type Descriptor, type ImageManifest } from './oci-decode.js';
import type { PulledLayout } from './oci-layout.js';

const MAX_JSON = 16 << 20;

export interface VerifiedLayout {
  manifest: ImageManifest;
  /** The config's exact text: its sha256 is the image id. */
  configText: string;
  diffIds: string[];
}

const blobPath = (digest: string): string => `blobs/sha256/${digest.slice('sha256:'.length)}`;

/** Where a blob of the layout is (for a hard link checked against the verified handle: layer-store.ts). */
export const blobPathIn = (dir: string, digest: string): string => join(dir, blobPath(digest));
const bad = (why: string): Error => invalid('bad-image-layout', `the pulled image is not valid: ${why}`);

async function readJson(dir: string, path: string, what: string): Promise<string> {
  const text = await readFileInRoot(dir, path, MAX_JSON).catch((error: Error) => {
    throw bad(`${what}: ${error.message}`);
  });
  if (text === undefined) throw bad(`${what} is missing`);
  return text;
}

async function readBlobJson(dir: string, descriptor: Descriptor, what: string): Promise<string> {
  if (descriptor.size > MAX_JSON) throw bad(`${what} is larger than ${MAX_JSON} bytes`);
  const text = await readJson(dir, blobPath(descriptor.digest), what);
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length !== descriptor.size) throw bad(`${what} has ${bytes.length} bytes, its descriptor says ${descriptor.size}`);
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  if (digest !== descriptor.digest) throw bad(`${what} has digest ${digest}, its descriptor says ${descriptor.digest}`);
  return text;
}

export async function readLayout(layout: PulledLayout): Promise<VerifiedLayout> {
  const index = decodeIndex(await readJson(layout.dir, 'index.json', 'index.json'), layout.manifestDigest);
  const manifest = decodeManifest(await readBlobJson(layout.dir, index, 'the manifest'), index.mediaType);
  const configText = await readBlobJson(layout.dir, manifest.config, 'the image config');
  return { manifest, configText, diffIds: decodeConfigDiffIds(configText, manifest.layers.length) };
}

/** The layer blob, opened inside the layout, with the size its descriptor gives; the caller closes it. */
export async function openBlob(dir: string, descriptor: Descriptor): Promise<FileHandle> {
  const handle = await openFileInRoot(dir, blobPath(descriptor.digest)).catch((error: Error) => {
    throw bad(`layer ${descriptor.digest}: ${error.message}`);
  });
  if (!handle) throw bad(`layer ${descriptor.digest} is missing`);
  const { size } = await handle.stat();
  if (size !== descriptor.size) {
    await handle.close();
    throw bad(`layer ${descriptor.digest} has ${size} bytes, its descriptor says ${descriptor.size}`);
  }
  return handle;
}
