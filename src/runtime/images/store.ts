/**
 * Images on disk, no database: `<root>/<hex>/config.json` (the exact bytes whose sha256 is the id),
 * `<root>/<hex>/layers/<n>/` (layer n, bottom first, each unpacked on its own with whiteouts in
 * overlayfs form: the image's root filesystem is their stack as overlay lower directories; images
 * of an older store have one flattened `<root>/<hex>/rootfs/` instead, a one-element stack),
 * `<root>/<hex>/meta.json` (size, tag time) and `<root>/repositories.json` (tag -> id).
 * New images are staged under `<root>/tmp/` and renamed into place, so a crash mid-import leaves
 * only a tmp directory, which load() sweeps.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { notFound } from '../../errors/index.js';
import type { ImageConfigDocument, ImageRecord } from '../../model/image.js';

export type { ImageRecord };
import { formatReference, looksLikeId, parseReference } from './reference.js';


interface Meta {
  size: number;
  lastTagTime: string;
}

const hexOf = (id: string): string => id.replace(/^sha256:/, '');

export function noSuchImage(name: string): Error {
  const hasTag = name.lastIndexOf(':') > name.lastIndexOf('/');
  return notFound('no-such-image', `no such image: ${name}: No such image: ${hasTag || looksLikeId(name) ? name : `${name}:latest`}`);
}

/** `layers/0..n-1` of an image directory, bottom first; an older store's flattened `rootfs/` alone. */
async function layerDirectories(imageDir: string): Promise<string[]> {
  // No layers/ directory: an image of an older store, with one flattened rootfs.
  const names = await readdir(join(imageDir, 'layers')).catch(() => undefined);
  if (names === undefined) return [join(imageDir, 'rootfs')];
  const indexes = names.filter((name) => /^\d+$/.test(name)).map(Number).sort((a, b) => a - b);
  return indexes.map((index) => join(imageDir, 'layers', String(index)));
}

export class ImageStore {
  private readonly images = new Map<string, ImageRecord>();
  private tags: Record<string, string> = {};
  /** Layer directories per image id, bottom first. */
  private readonly layers = new Map<string, string[]>();

  constructor(readonly root: string) {}

  async load(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    await rm(join(this.root, 'tmp'), { recursive: true, force: true });
    // No tags file yet (first start): no tags.
    this.tags = JSON.parse(await readFile(join(this.root, 'repositories.json'), 'utf8').catch(() => '{}')) as Record<string, string>;
    for (const entry of await readdir(this.root)) {
      if (!/^[0-9a-f]{64}$/.test(entry)) continue;
      // No config: a half-written image (crash during load/import); skipped.
      const config = await readFile(join(this.root, entry, 'config.json'), 'utf8').catch(() => undefined);
      if (config === undefined) continue;
      // No meta file (older images): size and tag time unknown.
      const meta = JSON.parse(await readFile(join(this.root, entry, 'meta.json'), 'utf8').catch(() => '{}')) as Partial<Meta>;
      const id = `sha256:${entry}`;
      this.layers.set(id, await layerDirectories(join(this.root, entry)));
      this.images.set(id, { id, config: JSON.parse(config) as ImageConfigDocument, repoTags: [], size: meta.size ?? 0, lastTagTime: meta.lastTagTime ?? '' });
    }
    for (const [tag, id] of Object.entries(this.tags)) {
      if (this.images.has(id)) this.images.get(id)!.repoTags.push(tag);
      else delete this.tags[tag];
    }
  }

  list(): ImageRecord[] {
    return [...this.images.values()];
  }

  /** The image's layer directories, bottom first. */
  layersOf(id: string): string[] {
    return this.layers.get(id) ?? [join(this.root, hexOf(id), 'rootfs')];
  }

  /** By tag (`busybox`, `busybox:latest`), full id or unique id prefix. */
  find(name: string): ImageRecord | undefined {
    if (looksLikeId(name)) {
      const prefix = name.startsWith('sha256:') ? name : `sha256:${name}`;
      const matches = this.list().filter((image) => image.id.startsWith(prefix));
      if (matches.length === 1) return matches[0];
    }
    try {
      const id = this.tags[formatReference(parseReference(name))];
      return id === undefined ? undefined : this.images.get(id);
    } catch {
      // not a valid reference: no image has that name
      return undefined;
    }
  }

  get(name: string): ImageRecord {
    const image = this.find(name);
    if (!image) throw noSuchImage(name);
    return image;
  }

  /**
   * A fresh directory under the store's tmp/ (same filesystem, so add() can rename) with an empty
   * `layers/`; the caller fills `layers/0`, `layers/1`, … (see layerOf).
   */
  async staging(): Promise<string> {
    const dir = join(this.root, 'tmp', randomBytes(8).toString('hex'));
    await mkdir(join(dir, 'layers'), { recursive: true, mode: 0o700 });
    return dir;
  }

  /** Creates and returns the empty directory of layer `index` (0 = bottom) in a staging directory. */
  static async layerOf(stagingDir: string, index: number): Promise<string> {
    const dir = join(stagingDir, 'layers', String(index));
    await mkdir(dir, { mode: 0o755 });
    return dir;
  }

  /** Moves a staged rootfs into place under the id of the config text; an identical image is kept as is. */
  async add(stagingDir: string, configText: string, size: number): Promise<ImageRecord> {
    // The id hashes the config bytes as given, so a `docker load` keeps the id Docker gave it.
    const text = configText;
    const config = JSON.parse(text) as ImageConfigDocument;
    const id = `sha256:${createHash('sha256').update(text).digest('hex')}`;
    const existing = this.images.get(id);
    if (existing) {
      await rm(stagingDir, { recursive: true, force: true });
      return existing;
    }
    // An image without layers still needs one (empty) lower directory for its overlay.
    if ((await readdir(join(stagingDir, 'layers'))).length === 0) await ImageStore.layerOf(stagingDir, 0);
    const meta: Meta = { size, lastTagTime: '' };
    await writeFile(join(stagingDir, 'config.json'), text);
    await writeFile(join(stagingDir, 'meta.json'), JSON.stringify(meta));
    await rename(stagingDir, join(this.root, hexOf(id)));
    const record: ImageRecord = { id, config, repoTags: [], size, lastTagTime: '' };
    this.layers.set(id, await layerDirectories(join(this.root, hexOf(id))));
    this.images.set(id, record);
    return record;
  }

  /** Points `reference` at the image, moving it away from any image that had it. */
  async tag(id: string, reference: string): Promise<void> {
    const tag = formatReference(parseReference(reference));
    const previous = this.tags[tag];
    if (previous !== undefined) this.removeTag(previous, tag);
    this.tags[tag] = id;
    const image = this.images.get(id)!;
    image.repoTags.push(tag);
    image.lastTagTime = new Date().toISOString();
    await this.saveTags();
    await writeFile(join(this.root, hexOf(id), 'meta.json'), JSON.stringify({ size: image.size, lastTagTime: image.lastTagTime }));
  }

  async untag(tag: string): Promise<void> {
    const id = this.tags[tag];
    if (id === undefined) return;
    delete this.tags[tag];
    this.removeTag(id, tag);
    await this.saveTags();
  }

  /** Removes the image and its tags; a missing directory is success. */
  async delete(id: string): Promise<void> {
    for (const [tag, owner] of Object.entries(this.tags)) if (owner === id) delete this.tags[tag];
    await this.saveTags();
    this.images.delete(id);
    this.layers.delete(id);
    // Rename first so a half-deleted image never looks valid to load().
    const doomed = join(this.root, 'tmp', `deleted-${hexOf(id)}`);
    await mkdir(join(this.root, 'tmp'), { recursive: true });
    // Missing directory: already gone is success.
    await rename(join(this.root, hexOf(id)), doomed).catch(() => undefined);
    await rm(doomed, { recursive: true, force: true });
  }

  private removeTag(id: string, tag: string): void {
    const image = this.images.get(id);
    if (image) image.repoTags = image.repoTags.filter((existing) => existing !== tag);
  }

  private async saveTags(): Promise<void> {
    const file = join(this.root, 'repositories.json');
    await writeFile(`${file}.tmp`, JSON.stringify(this.tags));
    await rename(`${file}.tmp`, file);
  }
}
