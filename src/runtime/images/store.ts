/**
 * Images on disk, no database: `<root>/<hex>/config.json` (the exact bytes whose sha256 is the id),
 * `<root>/<hex>/meta.json` (tag time; the stack when it is not the config's diff_ids) and
 * `<root>/repositories.json` (reference -> id: tags `repo:tag` and digests `repo@sha256:…`, as
 * Docker's file of that name). The layers live once in the shared layer store (layer-store.ts);
 * an image's root filesystem is its stack of those directories as overlay lower directories.
 *
 * An image becomes visible by one rename of its directory out of `<root>/tmp/`, after every layer
 * it names is in place, so a crash mid-commit leaves a tmp directory and maybe layers no image names;
 * load() removes both. Older stores (per-image `layers/<n>/` or a flattened `rootfs/`) are moved
 * into the shared store at load (store-migrate.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { notFound } from '../../errors/index.js';
import type { ImageConfigDocument, ImageRecord } from '../../model/image.js';
import { decodeImageMeta, diffIdsOf, stackOf, type ImageMeta } from './image-meta.js';
import { hexOf, LayerStore } from './layer-store.js';
import { migrateImage } from './store-migrate.js';
import { formatReference, looksLikeId, parseReference } from './reference.js';
import { isDigestReference, normalizeDigestReference } from './digest-reference.js';

export type { ImageRecord };

/** The diff_id of an empty tar (1024 zero bytes): the one layer of an image that has none. */
export const EMPTY_LAYER = 'sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef';

export function noSuchImage(name: string): Error {
  const hasTag = name.lastIndexOf(':') > name.lastIndexOf('/');
  return notFound('no-such-image', `no such image: ${name}: No such image: ${hasTag || looksLikeId(name) ? name : `${name}:latest`}`);
}

/** A reference in the form repositories.json keeps it, or undefined when it is not one. */
export function normalizeReference(name: string): string | undefined {
  try {
    return isDigestReference(name) ? normalizeDigestReference(name) : formatReference(parseReference(name));
  } catch {
    // not a valid reference: no image has that name
    return undefined;
  }
}

export class ImageStore {
  private readonly images = new Map<string, ImageRecord>();
  private refs: Record<string, string> = {};
  /** Layer keys (diff_ids) per image id, bottom first. */
  private readonly stacks = new Map<string, string[]>();
  readonly layers: LayerStore;

  constructor(readonly root: string) {
    this.layers = new LayerStore(root);
  }

  async load(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    await rm(join(this.root, 'tmp'), { recursive: true, force: true });
    await this.layers.load();
    // No references file yet (first start): no references.
    const text = await readFile(join(this.root, 'repositories.json'), 'utf8').catch(() => '{}');
    this.refs = decodeRefs(text);
    for (const entry of await readdir(this.root)) {
      if (/^[0-9a-f]{64}$/.test(entry)) await this.loadImage(entry);
    }
    for (const [reference, id] of Object.entries(this.refs)) {
      if (this.images.has(id)) this.attach(id, reference);
      else delete this.refs[reference];
    }
    await this.layers.sweep(this.inUse());
  }

  /** One image directory; one without config (a crash of an older store) or with missing layers is skipped. */
  private async loadImage(hex: string): Promise<void> {
    const dir = join(this.root, hex);
    // No config: not an image (a crash of an older store), skipped.
    const text = await readFile(join(dir, 'config.json'), 'utf8').catch(() => undefined);
    if (text === undefined) return;
    const config = JSON.parse(text) as ImageConfigDocument;
    const id = `sha256:${hex}`;
    // No meta file (older images): tag time unknown, stack from the config.
    let meta = decodeImageMeta(await readFile(join(dir, 'meta.json'), 'utf8').catch(() => ''));
    const diffIds = diffIdsOf(config) ?? [];
    meta = (await migrateImage(dir, id, diffIds, meta, this.layers)) ?? meta;
    const stack = meta.layers ?? (diffIds.length > 0 ? diffIds : [EMPTY_LAYER]);
    if (!stack.every((layer) => this.layers.has(layer))) return;
    this.stacks.set(id, stack);
    this.images.set(id, { id, config, repoTags: [], repoDigests: [], size: this.sizeOf(stack), lastTagTime: meta.lastTagTime });
  }

  private sizeOf(stack: readonly string[]): number {
    return [...new Set(stack)].reduce((total, layer) => total + (this.layers.get(layer)?.size ?? 0), 0);
  }

  list(): ImageRecord[] {
    return [...this.images.values()];
  }

  /** The image's layer directories, bottom first (each layer once: image-meta.ts stackOf). */
  layersOf(id: string): string[] {
    return stackOf(this.stacks.get(id) ?? [EMPTY_LAYER]).map((layer) => this.layers.pathOf(layer));
  }

  /** The image's layer keys, bottom first. */
  stackOf(id: string): readonly string[] {
    return this.stacks.get(id) ?? [];
  }

  /** Bytes of the image's layers that another image also uses (Docker's SharedSize). */
  sharedSizeOf(id: string): number {
    const users = new Map<string, number>();
    for (const stack of this.stacks.values()) for (const layer of new Set(stack)) users.set(layer, (users.get(layer) ?? 0) + 1);
    const shared = [...new Set(this.stacks.get(id) ?? [])].filter((layer) => (users.get(layer) ?? 0) > 1);
    return this.sizeOf(shared);
  }

  /** Bytes of every layer some image uses, each counted once (Docker's LayersSize). */
  layersSize(): number {
    return this.sizeOf([...this.inUse()]);
  }

  /** Every layer some image names. */
  inUse(): Set<string> {
    return new Set([...this.stacks.values()].flat());
  }

  /** The image config's exact bytes (their sha256 is the id): what push and save send. */
  configText(id: string): Promise<string> {
    return readFile(join(this.root, hexOf(id), 'config.json'), 'utf8');
  }

  /** By tag (`busybox`, `busybox:latest`), digest (`repo@sha256:…`), full id or unique id prefix. */
  find(name: string): ImageRecord | undefined {
    if (looksLikeId(name)) {
      const prefix = name.startsWith('sha256:') ? name : `sha256:${name}`;
      const matches = this.list().filter((image) => image.id.startsWith(prefix));
      if (matches.length === 1) return matches[0];
    }
    const reference = normalizeReference(name);
    const id = reference === undefined ? undefined : this.refs[reference];
    return id === undefined ? undefined : this.images.get(id);
  }

  get(name: string): ImageRecord {
    const image = this.find(name);
    if (!image) throw noSuchImage(name);
    return image;
  }

  /** A fresh private directory under the store's tmp/ (same filesystem as everything it renames into). */
  async staging(): Promise<string> {
    const dir = join(this.root, 'tmp', randomBytes(8).toString('hex'));
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return dir;
  }

  /**
   * Records the image of `configText` over `stack` (layer keys, bottom first, all in the layer store
   * and pinned by the caller); an identical image is kept as is. The id hashes the config bytes as
   * given, so a `docker load` keeps the id Docker gave it.
   */
  async add(configText: string, stack: readonly string[]): Promise<ImageRecord> {
    const id = `sha256:${createHash('sha256').update(configText).digest('hex')}`;
    const existing = this.images.get(id);
    if (existing) return existing;
    const config = JSON.parse(configText) as ImageConfigDocument;
    const layers = stack.length > 0 ? [...stack] : [EMPTY_LAYER];
    const sameAsConfig = JSON.stringify(diffIdsOf(config) ?? []) === JSON.stringify(stack) && stack.length > 0;
    const meta: ImageMeta = { lastTagTime: '', ...(sameAsConfig ? {} : { layers }) };
    const staging = await this.staging();
    await writeFile(join(staging, 'config.json'), configText);
    await writeFile(join(staging, 'meta.json'), JSON.stringify(meta));
    await rename(staging, join(this.root, hexOf(id)));
    const record: ImageRecord = { id, config, repoTags: [], repoDigests: [], size: this.sizeOf(layers), lastTagTime: '' };
    this.stacks.set(id, layers);
    this.images.set(id, record);
    return record;
  }

  /** Points `reference` (a tag, or a digest reference) at the image, moving it away from any image that had it. */
  async tag(id: string, reference: string): Promise<void> {
    const normalized = normalizeReference(reference) ?? formatReference(parseReference(reference));
    const previous = this.refs[normalized];
    if (previous !== undefined) this.detach(previous, normalized);
    this.refs[normalized] = id;
    this.attach(id, normalized);
    await this.saveRefs();
    if (isDigestReference(normalized)) return;
    const image = this.images.get(id)!;
    image.lastTagTime = new Date().toISOString();
    const meta: ImageMeta = { lastTagTime: image.lastTagTime, ...(this.needsStack(id) ? { layers: this.stacks.get(id)! } : {}) };
    await writeFile(join(this.root, hexOf(id), 'meta.json'), JSON.stringify(meta));
  }

  private needsStack(id: string): boolean {
    const config = this.images.get(id)!.config;
    return JSON.stringify(diffIdsOf(config) ?? []) !== JSON.stringify(this.stacks.get(id));
  }

  async untag(reference: string): Promise<void> {
    const id = this.refs[reference];
    if (id === undefined) return;
    delete this.refs[reference];
    this.detach(id, reference);
    await this.saveRefs();
  }

  /** Removes the image and its references, then the layers no image names any more; returns bytes freed. */
  async delete(id: string): Promise<number> {
    for (const [reference, owner] of Object.entries(this.refs)) if (owner === id) delete this.refs[reference];
    await this.saveRefs();
    this.images.delete(id);
    this.stacks.delete(id);
    // Rename first so a half-deleted image never looks valid to load().
    const doomed = join(this.root, 'tmp', `deleted-${hexOf(id)}`);
    await mkdir(join(this.root, 'tmp'), { recursive: true });
    // Missing directory: already gone is success.
    await rename(join(this.root, hexOf(id)), doomed).catch(() => undefined);
    await rm(doomed, { recursive: true, force: true });
    return this.layers.sweep(this.inUse());
  }

  private attach(id: string, reference: string): void {
    const image = this.images.get(id)!;
    const list = isDigestReference(reference) ? image.repoDigests : image.repoTags;
    if (!list.includes(reference)) list.push(reference);
  }

  private detach(id: string, reference: string): void {
    const image = this.images.get(id);
    if (!image) return;
    image.repoTags = image.repoTags.filter((existing) => existing !== reference);
    image.repoDigests = image.repoDigests.filter((existing) => existing !== reference);
  }

  private async saveRefs(): Promise<void> {
    const file = join(this.root, 'repositories.json');
    await writeFile(`${file}.tmp`, JSON.stringify(this.refs));
    await rename(`${file}.tmp`, file);
  }
}

/** repositories.json: reference -> `sha256:<hex>`; anything else in it is dropped. */
function decodeRefs(text: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // a torn file: no references (the images stay, untagged)
    return {};
  }
  const refs: Record<string, string> = {};
  if (parsed === null || typeof parsed !== 'object') return refs;
  for (const [reference, id] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof id === 'string' && /^sha256:[0-9a-f]{64}$/.test(id)) refs[reference] = id;
  }
  return refs;
}
