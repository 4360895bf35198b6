/**
 * Image use cases behind the /images routes: import, load, tag, remove, and pull and login
 * through the registry client (registry/, wired in by the daemon). Store mutations run one at a time (a promise chain); unpacking,
 * the slow part, runs outside it in a private staging directory. Archives are untrusted: every
 * one is unpacked by the confined extractor (extract.ts), each layer into its own directory.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { notFound, unavailable } from '../../errors/index.js';
import type { DeleteRecord, ImportRequest } from '../../model/image.js';
import type { LoginRequest, PullEvent, PullRequest, PushEvent, PushRequest } from '../../model/registry.js';
import { planPush } from './image-push.js';
import type { PushJob, PushedTag } from './registry/push.js';
import { selectForSave, writeSave } from './save-write.js';
import { buildBuiltinLayer, keepImportedTar, spoolTar, type KeptTar } from './builtin-blobs.js';
import { createReadStream } from 'node:fs';
import { buildBusyboxRootfs } from './busybox.js';
import { applyChanges } from './changes.js';
import { emptyContainerConfig, type ImageConfigDocument } from './config.js';
import { diskUsage } from './disk-usage.js';
import { formatReference, parseReference } from './reference.js';
import { commitPulled } from './commit-pulled.js';
import { diffIdsOf } from './image-meta.js';
import { removeImage } from './image-remove.js';
import { listSelector } from './image-list-filter.js';
import { pruneSelector } from './image-prune.js';
import { loadLayer } from './load-layer.js';
import { extractConfined } from './extract.js';
import { unpackLayer } from './layers.js';
import type { LayerProgress, PulledLayout } from './oci-layout.js';
import { readImageConfig, readManifest } from './save-archive.js';
import type { SaveManifestEntry } from './save-manifest.js';

export type { DeleteRecord, ImportRequest };
import { EMPTY_LAYER, ImageStore, type ImageRecord } from './store.js';

/** What the image service needs of the registry client (registry/pull.ts's Puller). */
export interface RegistryClient {
  pull(request: PullRequest, emit: (event: PullEvent) => void, signal: AbortSignal): Promise<ImageRecord>;
  login(request: LoginRequest): Promise<void>;
  push(job: PushJob): Promise<PushedTag[]>;
}

/** Returns the id of a container using the image, if any (wired once containers exist). */
export type ImageUsers = (imageId: string) => string | undefined;


export class ImageService {
  private chain: Promise<unknown> = Promise.resolve();
  private registry: RegistryClient | undefined;

  constructor(readonly store: ImageStore, private readonly users: ImageUsers = () => undefined) {}

  private serial<T>(step: () => Promise<T>): Promise<T> {
    const next = this.chain.then(step, step);
    // The chain only orders steps; each caller gets its own step's error from `next`.
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Loads the store and, at first start only, creates busybox:latest. */
  async start(): Promise<void> {
    await this.store.load();
    const marker = join(this.store.root, 'builtin-busybox');
    if (await readFile(marker).then(() => true, () => false)) return;
    if (!this.store.find('busybox:latest')) {
      await this.withTree(async (tree) => {
        const built = await buildBuiltinLayer(tree, buildBusyboxRootfs);
        await this.commitTree(tree, built.tar, built.config, ['busybox:latest']);
      });
    }
    await writeFile(marker, 'created\n');
  }

  /** Runs `task` with an empty tree under the store's tmp/, removed afterwards. */
  private async withTree<T>(task: (tree: string) => Promise<T>): Promise<T> {
    const scratch = await this.store.layers.scratch();
    try {
      const tree = join(scratch, 'tree');
      await mkdir(tree, { mode: 0o755 });
      return await task(tree);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  /**
   * Records a one-layer image whose layer was unpacked into `tree` (moved into the store unless
   * present) from the tar `tar.file` (a file under the store's tmp/, kept as the layer's blob).
   */
  private async commitTree(tree: string, tar: KeptTar, configText: string, tags: readonly string[]): Promise<ImageRecord> {
    const { diffId } = tar;
    const release = this.store.layers.pin([diffId]);
    try {
      const blob = await keepImportedTar(this.store.layers, tar);
      await this.store.layers.adopt(tree, { diffId, size: await diskUsage(tree), ...(blob ? { blob } : {}) });
      return await this.serial(async () => {
        const image = await this.store.add(configText, [diffId]);
        for (const tag of tags) await this.store.tag(image.id, tag);
        return image;
      });
    } finally {
      release();
    }
  }

  /** The shared empty layer, the one lower directory of an image without layers. */
  private ensureEmptyLayer(): Promise<void> {
    return this.store.layers.ensure(EMPTY_LAYER, async () => ({ diffId: EMPTY_LAYER, size: 0 })).then(() => undefined);
  }

  layersOf(imageId: string): string[] {
    return this.store.layersOf(imageId);
  }

  /** `docker images`, narrowed by its `filters` query (image-list-filter.ts). */
  list(rawFilters: string | null = null): ImageRecord[] {
    if (rawFilters === null) return this.store.list();
    const select = listSelector(rawFilters, (name) => this.store.get(name));
    return this.store.list().flatMap((image) => select(image) ?? []);
  }

  /** `docker system df`: the images' shared bytes and all layers' bytes, each layer counted once. */
  sharedSizeOf(imageId: string): number {
    return this.store.sharedSizeOf(imageId);
  }

  layersSize(): number {
    return this.store.layersSize();
  }

  inspect(name: string): ImageRecord {
    return this.store.get(name);
  }

  /** `docker import`: the body is a tar of a root filesystem. */
  async importTar(body: Readable, request: ImportRequest): Promise<ImageRecord> {
    const target = request.repo ? parseReference(request.tag ? `${request.repo}:${request.tag}` : request.repo) : undefined;
    const config = applyChanges(emptyContainerConfig(), request.changes);
    return this.withTree(async (tree) => {
      const tar = await spoolTar(body, join(tree, '..', 'layer.tar'));
      const { diffId } = await unpackLayer(createReadStream(tar.file), tree, { what: 'the imported archive', expected: tar.diffId });
      const created = new Date().toISOString();
      const document: ImageConfigDocument = {
        architecture: 'amd64',
        os: 'linux',
        created,
        comment: request.message || 'Imported from -',
        config,
        rootfs: { type: 'layers', diff_ids: [diffId] },
        history: [{ created, comment: request.message || 'Imported from -' }],
      };
      return this.commitTree(tree, tar, JSON.stringify(document), target ? [formatReference(target)] : []);
    });
  }

  /** `docker load`: a `docker save` tarball (manifest.json, configs, layer tars). Returns what to print. */
  async load(body: Readable): Promise<string[]> {
    const staged = await this.store.staging();
    const archive = join(staged, 'archive');
    try {
      await mkdir(archive, { mode: 0o700 });
      await extractConfined(body, archive, { what: 'the image archive' });
      const lines: string[] = [];
      for (const entry of await readManifest(archive)) lines.push(...(await this.loadImage(archive, entry)));
      return lines;
    } finally {
      await rm(staged, { recursive: true, force: true });
    }
  }

  /** One image of a `docker load` archive: the layers the store lacks unpacked and checked against the config's diff_ids. */
  private async loadImage(archive: string, entry: SaveManifestEntry): Promise<string[]> {
    const { text: configText, diffIds } = await readImageConfig(archive, entry);
    const release = this.store.layers.pin(diffIds);
    try {
      if (diffIds.length === 0) await this.ensureEmptyLayer();
      for (const [index, layer] of entry.layers.entries()) await this.store.layers.ensure(diffIds[index]!, (tree) => loadLayer(this.store.layers, archive, layer, diffIds[index]!, tree));
      const lines: string[] = [];
      await this.serial(async () => {
        const image = await this.store.add(configText, diffIds);
        for (const tag of entry.repoTags) await this.store.tag(image.id, tag);
        if (entry.repoTags.length === 0) lines.push(`Loaded image ID: ${image.id}`);
      });
      return [...lines, ...entry.repoTags.map((tag) => `Loaded image: ${tag}`)];
    } finally {
      release();
    }
  }

  /** Records an image the registry client copied into an OCI layout (oci-layout.ts, commit-pulled.ts). */
  commitPulled(layout: PulledLayout, progress: (event: LayerProgress) => void, signal: AbortSignal): Promise<ImageRecord> {
    const deps = { store: this.store, serial: <T>(step: () => Promise<T>) => this.serial(step), ensureEmptyLayer: () => this.ensureEmptyLayer() };
    return commitPulled(deps, layout, progress, signal);
  }

  /** True when the store keeps the compressed layer blob `digest` (oci-layout.ts HasBlob). */
  hasBlob(digest: string): boolean {
    return this.store.layers.hasBlob(digest);
  }

  async tag(name: string, repo: string, tag: string): Promise<void> {
    const image = this.store.get(name);
    const target = formatReference(parseReference(tag ? `${repo}:${tag}` : repo));
    await this.serial(() => this.store.tag(image.id, target));
  }

  async remove(name: string, options: { force?: boolean } = {}): Promise<DeleteRecord[]> {
    return this.serial(async () => {
      const image = this.store.find(name);
      return (await removeImage(this.store, image ? this.users(image.id) : undefined, name, options.force === true)).records;
    });
  }

  /** `docker image prune`: the images pruneSelector picks, each with its references; the bytes of the layers freed. */
  prune(rawFilters: string | null): Promise<{ deleted: DeleteRecord[]; reclaimed: number }> {
    const selected = pruneSelector(rawFilters, (id) => this.users(id) !== undefined);
    return this.serial(async () => {
      const deleted: DeleteRecord[] = [];
      let reclaimed = 0;
      for (const image of this.store.list().filter(selected)) {
        const removed = await removeImage(this.store, undefined, image.id, true);
        deleted.push(...removed.records);
        reclaimed += removed.freed;
      }
      return { deleted, reclaimed };
    });
  }

  /** The registry client (registry/pull.ts), wired by the daemon once both exist. */
  useRegistry(registry: RegistryClient): void {
    this.registry = registry;
  }

  /** `docker pull` (registry/pull.ts): progress through `emit`, cancelled by `signal`. */
  pull(request: PullRequest, emit: (event: PullEvent) => void, signal: AbortSignal): Promise<ImageRecord> {
    if (!this.registry) return Promise.reject(unavailable('no-registry-client', 'the registry client is not running'));
    return this.registry.pull(request, emit, signal);
  }

  /** `docker push` (registry/push.ts): each tag's image with its kept blobs; a pushed tag gains its RepoDigest. */
  async push(request: PushRequest, emit: (event: PushEvent) => void, signal: AbortSignal): Promise<void> {
    const registry = this.registry;
    if (!registry) throw unavailable('no-registry-client', 'the registry client is not running');
    const plan = await planPush(this.store, request);
    const release = this.store.layers.pin(plan.diffIds);
    try {
      const pushed = await registry.push({ request, tags: plan.tags, emit, signal });
      await this.serial(async () => {
        for (const { tag, digest } of pushed) {
          const image = this.store.find(`${plan.repository}:${tag}`);
          if (image) await this.store.tag(image.id, `${plan.repository}@${digest}`);
        }
      });
    } finally {
      release();
    }
  }

  /** `docker save`: the names resolve now (404 before anything is sent); the writer streams the tar. */
  save(names: readonly string[]): (out: Writable) => Promise<void> {
    const items = selectForSave(this.store, names);
    return async (out) => {
      const release = this.store.layers.pin(items.flatMap((item) => diffIdsOf(item.image.config) ?? []));
      const scratch = await this.store.staging();
      try {
        await writeSave(this.store, items, out, scratch);
      } finally {
        release();
        await rm(scratch, { recursive: true, force: true });
      }
    };
  }

  /** `docker login` (registry/login.ts). */
  login(request: LoginRequest): Promise<void> {
    if (!this.registry) return Promise.reject(unavailable('no-registry-client', 'the registry client is not running'));
    return this.registry.login(request);
  }
}
