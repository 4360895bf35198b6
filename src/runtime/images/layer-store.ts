/**
 * Image layers stored once, keyed by diff_id (the sha256 of the layer's uncompressed tar), shared by
 * every image whose stack holds them:
 *   `<root>/layers/<hex>/`          the layer unpacked alone, whiteouts in overlayfs form
 *   `<root>/layerdb/<hex>.json`     { diffId, size, blob? }: its size and the blob it came from
 *   `<root>/blobs/sha256/<hex>`     that blob's exact bytes (compressed as pulled, or the tar as loaded)
 * Keyed by diff_id, not by chain id as Docker's layer store is: Docker's graph drivers build a layer
 * on top of its parent, so the same tar on another base is another layer; here a layer is unpacked
 * into an empty directory and stacked as an overlay lower directory, so its tree depends on its tar
 * alone and one directory serves every stack that holds it. All trees share the `layers/` parent,
 * which keeps the overlay options short (mounts.ts names them relative to it).
 *
 * The blob is kept because `docker save` -> `rmi` -> `load` must give the same image id, which needs
 * the exact layer tars (a tar made again from the tree would hash differently), and push sends the
 * compressed blobs the manifest names. Docker keeps tar-split metadata instead; a blob costs disk
 * (about the compressed size for a pull, the tar size for a load) but no code that rebuilds tars.
 *
 * A layer is complete when both its json and its tree exist: the json is written first, then the
 * tree, unpacked under `tmp/`, is renamed into place. Nothing counts references: which layers are in
 * use is derived from the image records (and the pins of commits in flight) each time something is
 * freed, and load() sweeps what no image names, so there is no counter to drift.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { link, lstat, mkdir, readdir, readFile, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import { system } from '../../errors/index.js';
import { decodeLayerInfo, type LayerInfo } from './layer-info.js';

export type { LayerInfo };

export const hexOf = (digest: string): string => digest.replace(/^sha256:/, '');
const HEX = /^[0-9a-f]{64}$/;

export class LayerStore {
  private readonly layers = new Map<string, LayerInfo>();
  private readonly inFlight = new Map<string, Promise<LayerInfo>>();
  private readonly pins = new Map<string, number>();

  constructor(readonly root: string) {}

  /** Reads the complete layers; a json without its tree (or a tree without json) is left for sweep(). */
  async load(): Promise<void> {
    for (const dir of ['layers', 'layerdb', 'blobs/sha256', 'tmp']) await mkdir(join(this.root, dir), { recursive: true, mode: 0o700 });
    const trees = new Set((await readdir(join(this.root, 'layers'))).filter((name) => HEX.test(name)));
    for (const name of await readdir(join(this.root, 'layerdb'))) {
      const hex = name.replace(/\.json$/, '');
      if (!HEX.test(hex) || !trees.has(hex)) continue;
      // An unreadable json is a torn layer: decoded as none, and swept.
      const info = decodeLayerInfo(await readFile(join(this.root, 'layerdb', name), 'utf8').catch(() => ''));
      if (info && hexOf(info.diffId) === hex) this.layers.set(info.diffId, info);
    }
  }

  has(diffId: string): boolean {
    return this.layers.has(diffId);
  }

  get(diffId: string): LayerInfo | undefined {
    return this.layers.get(diffId);
  }

  pathOf(diffId: string): string {
    return join(this.root, 'layers', hexOf(diffId));
  }

  blobPath(digest: string): string {
    return join(this.root, 'blobs', 'sha256', hexOf(digest));
  }

  hasBlob(digest: string): boolean {
    for (const info of this.layers.values()) if (info.blob?.digest === digest) return true;
    return false;
  }

  /** A new empty directory under tmp/ (same filesystem as layers/, so adopt() can rename). */
  async scratch(): Promise<string> {
    const dir = join(this.root, 'tmp', `layer-${randomBytes(8).toString('hex')}`);
    await mkdir(dir, { mode: 0o700 });
    return dir;
  }

  /** Keeps `diffId` from being freed until the returned function is called. */
  pin(diffIds: readonly string[]): () => void {
    for (const id of diffIds) this.pins.set(id, (this.pins.get(id) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const id of diffIds) {
        const left = (this.pins.get(id) ?? 1) - 1;
        if (left > 0) this.pins.set(id, left);
        else this.pins.delete(id);
      }
    };
  }

  /**
   * The layer `diffId`, made by `produce` only when the store lacks it; concurrent callers for one
   * diff_id share one production (single flight). `produce` fills a scratch directory and returns
   * the layer's info; the caller should hold a pin on diffId.
   */
  ensure(diffId: string, produce: (tree: string) => Promise<LayerInfo>): Promise<LayerInfo> {
    const present = this.layers.get(diffId);
    if (present) return Promise.resolve(present);
    const running = this.inFlight.get(diffId);
    if (running) return running;
    const made = this.produceOnce(produce).finally(() => this.inFlight.delete(diffId));
    this.inFlight.set(diffId, made);
    return made;
  }

  private async produceOnce(produce: (tree: string) => Promise<LayerInfo>): Promise<LayerInfo> {
    const scratch = await this.scratch();
    try {
      const tree = join(scratch, 'tree');
      await mkdir(tree, { mode: 0o755 });
      return await this.adopt(tree, await produce(tree));
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  /** Moves an unpacked tree (under tmp/) into place as `info.diffId`; one already there wins. */
  async adopt(tree: string, info: LayerInfo): Promise<LayerInfo> {
    const present = this.layers.get(info.diffId);
    if (present) return present;
    const hex = hexOf(info.diffId);
    if (!HEX.test(hex)) throw system('layer-id', `bad layer id ${info.diffId}`);
    const json = join(this.root, 'layerdb', `${hex}.json`);
    await writeFile(`${json}.tmp`, JSON.stringify(info));
    await rename(`${json}.tmp`, json);
    await rm(this.pathOf(info.diffId), { recursive: true, force: true });
    await rename(tree, this.pathOf(info.diffId));
    this.layers.set(info.diffId, info);
    return info;
  }

  /**
   * Keeps a verified blob, read through its open handle, in blobs/sha256/. When `path` (where the
   * handle was opened) is on this filesystem it is hard-linked, and the link is kept only if it is
   * the very file the handle verified (same device and inode), so a path swapped since can't put
   * other bytes there; otherwise the bytes are copied from the handle. The caller pins `digest`
   * until its layer is recorded.
   */
  async keepBlobFrom(handle: FileHandle, digest: string, path?: string): Promise<void> {
    const partial = join(this.root, 'tmp', `blob-${randomBytes(8).toString('hex')}`);
    if (path !== undefined && (await this.linkSame(handle, path, partial))) {
      await rename(partial, this.blobPath(digest));
      return;
    }
    await pipeline(handle.createReadStream({ start: 0, autoClose: false }), createWriteStream(partial, { mode: 0o600 }));
    await rename(partial, this.blobPath(digest));
  }

  private async linkSame(handle: FileHandle, path: string, partial: string): Promise<boolean> {
    // Another filesystem or a vanished path: the bytes are copied instead.
    const linked = await link(path, partial).then(() => true, () => false);
    if (!linked) return false;
    const [verified, made] = await Promise.all([handle.stat(), lstat(partial)]);
    if (verified.dev === made.dev && verified.ino === made.ino && made.isFile()) return true;
    await rm(partial, { force: true });
    return false;
  }

  /** Moves a file the store itself made (under its tmp/, e.g. an imported tar) into blobs/sha256/. */
  async adoptBlobFile(path: string, digest: string): Promise<void> {
    await rename(path, this.blobPath(digest));
  }

  /**
   * Removes every layer, tree, json and blob that neither `inUse` nor a pin names; returns the
   * bytes of the layers freed. Used after rmi/prune (with the images' layers) and at load.
   */
  async sweep(inUse: ReadonlySet<string>): Promise<number> {
    let freed = 0;
    for (const [diffId, info] of [...this.layers]) {
      if (inUse.has(diffId) || this.pins.has(diffId) || this.inFlight.has(diffId)) continue;
      this.layers.delete(diffId);
      freed += info.size;
    }
    await this.removeUnlisted();
    return freed;
  }

  private async removeUnlisted(): Promise<void> {
    const keep = new Set([...this.layers.keys(), ...this.pins.keys(), ...this.inFlight.keys()].map(hexOf));
    const blobs = new Set([...this.layers.values()].flatMap((info) => (info.blob ? [hexOf(info.blob.digest)] : [])));
    for (const name of await readdir(join(this.root, 'layerdb'))) {
      if (!keep.has(name.replace(/\.json$/, ''))) await rm(join(this.root, 'layerdb', name), { force: true });
    }
    for (const name of await readdir(join(this.root, 'layers'))) {
      if (!keep.has(name)) await this.removeTree(join(this.root, 'layers', name));
    }
    for (const name of await readdir(join(this.root, 'blobs', 'sha256'))) {
      if (!blobs.has(name) && !this.blobInFlight(name)) await rm(join(this.root, 'blobs', 'sha256', name), { force: true });
    }
  }

  /** A blob kept by a commit whose layer is not recorded yet is named by a pin (its digest). */
  private blobInFlight(hex: string): boolean {
    return this.pins.has(`sha256:${hex}`);
  }

  /** Renamed away first, so a crash mid-removal never leaves a half tree under layers/. */
  private async removeTree(path: string): Promise<void> {
    const doomed = join(this.root, 'tmp', `deleted-${randomBytes(8).toString('hex')}`);
    // Already gone is success.
    await rename(path, doomed).catch(() => undefined);
    await rm(doomed, { recursive: true, force: true });
  }

  /** Bytes of every stored layer, each counted once. */
  totalSize(): number {
    let total = 0;
    for (const info of this.layers.values()) total += info.size;
    return total;
  }
}
