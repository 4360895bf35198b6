/**
 * Images of an older store kept their own layers: `<image>/layers/<n>/` (one per diff_id, bottom
 * first) or one flattened `<image>/rootfs/`. At load they move into the shared layer store: the
 * stack is written to meta.json first, then each directory is renamed under `layers/` with its
 * json, so a crash part way leaves the old directories to move at the next load. A layer of the
 * old store whose diff_id doesn't match its position (an image made before diff_ids were kept) is
 * keyed by a digest of the image id and its position, never shared.
 */
import { createHash } from 'node:crypto';
import { readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { diskUsage } from './disk-usage.js';
import type { ImageMeta } from './image-meta.js';
import type { LayerStore } from './layer-store.js';

const privateKey = (imageId: string, part: string): string => `sha256:${createHash('sha256').update(`conet-migrated:${imageId}:${part}`).digest('hex')}`;

/** The old directories of an image, bottom first, or undefined when it has none. */
async function oldLayers(imageDir: string): Promise<string[] | undefined> {
  // No layers/ directory: not a per-image layers store.
  const names = await readdir(join(imageDir, 'layers')).catch(() => undefined);
  if (names !== undefined) {
    const indexes = names.filter((name) => /^\d+$/.test(name)).map(Number).sort((a, b) => a - b);
    return indexes.map((index) => join(imageDir, 'layers', String(index)));
  }
  const hasRootfs = await readdir(join(imageDir, 'rootfs')).then(() => true, () => false);
  return hasRootfs ? [join(imageDir, 'rootfs')] : undefined;
}

/** Moves an image's old layers into `layers`; returns its new meta, or undefined when nothing was old. */
export async function migrateImage(imageDir: string, imageId: string, diffIds: readonly string[], meta: ImageMeta, layers: LayerStore): Promise<ImageMeta | undefined> {
  const old = await oldLayers(imageDir);
  if (old === undefined) return undefined;
  const matching = old.length === diffIds.length && !old[0]!.endsWith('rootfs');
  const keys = meta.layers ?? (matching ? [...diffIds] : old.map((_, index) => privateKey(imageId, String(index))));
  const next: ImageMeta = { lastTagTime: meta.lastTagTime, ...(matching ? {} : { layers: keys }) };
  await writeFile(join(imageDir, 'meta.json.tmp'), JSON.stringify(next));
  await rename(join(imageDir, 'meta.json.tmp'), join(imageDir, 'meta.json'));
  for (const [index, directory] of old.entries()) {
    const diffId = keys[index]!;
    if (layers.has(diffId)) continue;
    await layers.adopt(directory, { diffId, size: await diskUsage(directory) });
  }
  await rm(join(imageDir, 'layers'), { recursive: true, force: true });
  await rm(join(imageDir, 'rootfs'), { recursive: true, force: true });
  return next;
}
