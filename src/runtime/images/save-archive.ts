/**
 * The outer archive of `docker load`, unpacked (confined) into a staging directory: its
 * manifest.json, each image's config and layer tars, read with every path resolved inside that
 * directory (root-files.ts), so a manifest entry or a symlink in the archive never reaches a file
 * of the host.
 */
import type { FileHandle } from 'node:fs/promises';
import { invalid } from '../../errors/index.js';
import { openFileInRoot, readFileInRoot } from '../../kernel/linux/root-files.js';
import type { ImageConfigDocument } from './config.js';
import { parseSaveManifest, type SaveManifestEntry } from './save-manifest.js';

const MAX_JSON = 16 << 20;

async function readInArchive(root: string, path: string, what: string): Promise<string> {
  let text: string | undefined;
  try {
    text = await readFileInRoot(root, path, MAX_JSON);
  } catch (error) {
    throw invalid('bad-archive', `loading the image failed: ${what} ${JSON.stringify(path)}: ${(error as Error).message}`);
  }
  if (text === undefined) throw invalid('bad-archive', `loading the image failed: ${what} ${JSON.stringify(path)} is not in the archive`);
  return text;
}

export async function readManifest(root: string): Promise<SaveManifestEntry[]> {
  const text = await readFileInRoot(root, 'manifest.json', MAX_JSON).catch((error: Error) => {
    throw invalid('bad-archive', `loading the image failed: manifest.json: ${error.message}`);
  });
  if (text === undefined) throw invalid('bad-archive', 'loading the image failed: manifest.json not found (only `docker save` archives are supported)');
  return parseSaveManifest(text);
}

/** The config's exact text (its digest is the image id) and its diff_ids, one per manifest layer. */
export async function readImageConfig(root: string, entry: SaveManifestEntry): Promise<{ text: string; diffIds: string[] }> {
  const text = await readInArchive(root, entry.config, 'image config');
  let diffIds: unknown;
  try {
    diffIds = (JSON.parse(text) as Partial<ImageConfigDocument>).rootfs?.diff_ids;
  } catch (error) {
    throw invalid('bad-archive', `loading the image failed: image config ${JSON.stringify(entry.config)} is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(diffIds) || !diffIds.every((id) => typeof id === 'string') || diffIds.length !== entry.layers.length) {
    throw invalid('bad-archive', `loading the image failed: image config ${JSON.stringify(entry.config)} must list one rootfs.diff_ids entry per layer (${entry.layers.length})`);
  }
  return { text, diffIds: diffIds as string[] };
}

/** A readable handle of a layer tar inside the archive; the caller closes it. */
export async function openLayer(root: string, path: string): Promise<FileHandle> {
  let handle: FileHandle | undefined;
  try {
    handle = await openFileInRoot(root, path);
  } catch (error) {
    throw invalid('bad-archive', `loading the image failed: layer ${JSON.stringify(path)}: ${(error as Error).message}`);
  }
  if (!handle) throw invalid('bad-archive', `loading the image failed: layer ${JSON.stringify(path)} is not in the archive`);
  return handle;
}
