/**
 * Image use cases behind the /images routes: import, load, tag, remove, and pull and login
 * through the registry client (registry/, wired in by the daemon). Store mutations run one at a time (a promise chain); unpacking,
 * the slow part, runs outside it in a private staging directory. Archives are untrusted: every
 * one is unpacked by the confined extractor (extract.ts), each layer into its own directory.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { conflict, notFound, notImplemented, unavailable } from '../../errors/index.js';
import type { DeleteRecord, ImportRequest } from '../../model/image.js';
import type { LoginRequest, PullEvent, PullRequest } from '../../model/registry.js';
import { buildBusyboxRootfs } from './busybox.js';
import { applyChanges } from './changes.js';
import { emptyContainerConfig, type ImageConfigDocument } from './config.js';
import { diskUsage } from './disk-usage.js';
import { formatReference, looksLikeId, parseReference } from './reference.js';
import { extractConfined } from './extract.js';
import { unpackLayer } from './layers.js';
import type { LayerProgress, PulledLayout } from './oci-layout.js';
import { openLayer, readImageConfig, readManifest } from './save-archive.js';
import type { SaveManifestEntry } from './save-manifest.js';

export type { DeleteRecord, ImportRequest };
import { ImageStore, type ImageRecord } from './store.js';

/** What the image service needs of the registry client (registry/pull.ts's Puller). */
export interface RegistryClient {
  pull(request: PullRequest, emit: (event: PullEvent) => void, signal: AbortSignal): Promise<ImageRecord>;
  login(request: LoginRequest): Promise<void>;
}

/** Returns the id of a container using the image, if any (wired once containers exist). */
export type ImageUsers = (imageId: string) => string | undefined;

const short = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);

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
      const staging = await this.store.staging();
      const config = await buildBusyboxRootfs(await ImageStore.layerOf(staging, 0));
      const size = await diskUsage(join(staging, 'layers'));
      await this.serial(async () => this.store.tag((await this.store.add(staging, config, size)).id, 'busybox:latest'));
    }
    await writeFile(marker, 'created\n');
  }

  layersOf(imageId: string): string[] {
    return this.store.layersOf(imageId);
  }

  list(): ImageRecord[] {
    return this.store.list();
  }

  inspect(name: string): ImageRecord {
    return this.store.get(name);
  }

  /** `docker import`: the body is a tar of a root filesystem. */
  async importTar(body: Readable, request: ImportRequest): Promise<ImageRecord> {
    const target = request.repo ? parseReference(request.tag ? `${request.repo}:${request.tag}` : request.repo) : undefined;
    const config = applyChanges(emptyContainerConfig(), request.changes);
    const staging = await this.store.staging();
    try {
      const { diffId } = await unpackLayer(body, staging, 0, { what: 'the imported archive' });
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
      const size = await diskUsage(join(staging, 'layers'));
      return await this.serial(async () => {
        const image = await this.store.add(staging, JSON.stringify(document), size);
        if (target) await this.store.tag(image.id, formatReference(target));
        return image;
      });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
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

  /** One image of a `docker load` archive: its layers unpacked and checked against the config's diff_ids. */
  private async loadImage(archive: string, entry: SaveManifestEntry): Promise<string[]> {
    const { text: configText, diffIds } = await readImageConfig(archive, entry);
    const staging = await this.store.staging();
    try {
      for (const [index, layer] of entry.layers.entries()) {
        const handle = await openLayer(archive, layer);
        try {
          await unpackLayer(handle.createReadStream({ autoClose: false }), staging, index, { what: `layer ${JSON.stringify(layer)}`, expected: diffIds[index]! });
        } finally {
          await handle.close();
        }
      }
      const size = await diskUsage(join(staging, 'layers'));
      const lines: string[] = [];
      await this.serial(async () => {
        const image = await this.store.add(staging, configText, size);
        for (const tag of entry.repoTags) await this.store.tag(image.id, tag);
        if (entry.repoTags.length === 0) lines.push(`Loaded image ID: ${image.id}`);
      });
      return [...lines, ...entry.repoTags.map((tag) => `Loaded image: ${tag}`)];
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  async tag(name: string, repo: string, tag: string): Promise<void> {
    const image = this.store.get(name);
    const target = formatReference(parseReference(tag ? `${repo}:${tag}` : repo));
    await this.serial(() => this.store.tag(image.id, target));
  }

  remove(name: string, options: { force?: boolean } = {}): Promise<DeleteRecord[]> {
    return this.serial(async () => {
      const image = this.store.find(name);
      if (!image) throw notFound('no-such-image', `No such image: ${looksLikeId(name) ? name : safeFormat(name)}`);
      const user = this.users(image.id);
      const records: DeleteRecord[] = [];
      const byId = !image.repoTags.includes(safeFormat(name));
      if (!byId) {
        if (user && image.repoTags.length === 1 && !options.force) {
          throw conflict('image-in-use', `conflict: unable to remove repository reference "${name}" (must force) - container ${short(user)} is using its referenced image ${short(image.id)}`);
        }
        const tag = safeFormat(name);
        await this.store.untag(tag);
        records.push({ Untagged: tag });
        if (image.repoTags.length > 0 || user) return records;
      } else {
        if (image.repoTags.length > 1 && !options.force) {
          throw conflict('image-multiple-tags', `conflict: unable to delete ${short(image.id)} (must be forced) - image is referenced in multiple repositories`);
        }
        if (user) throw conflict('image-in-use', `conflict: unable to delete ${short(image.id)} (cannot be forced) - image is being used by container ${short(user)}`);
        for (const tag of [...image.repoTags]) {
          await this.store.untag(tag);
          records.push({ Untagged: tag });
        }
      }
      await this.store.delete(image.id);
      records.push({ Deleted: image.id });
      return records;
    });
  }

  /** Records an image the registry client copied into an OCI layout (oci-layout.ts). */
  commitPulled(layout: PulledLayout, progress: (event: LayerProgress) => void, signal: AbortSignal): Promise<ImageRecord> {
    void layout; void progress; void signal;
    return Promise.reject(notImplemented('commit-pulled', 'the layer store does not take pulled images yet'));
  }

  /** True when the store keeps the compressed layer blob `digest` (oci-layout.ts HasBlob). */
  hasBlob(digest: string): boolean {
    void digest;
    return false;
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

  /** `docker login` (registry/login.ts). */
  login(request: LoginRequest): Promise<void> {
    if (!this.registry) return Promise.reject(unavailable('no-registry-client', 'the registry client is not running'));
    return this.registry.login(request);
  }
}

function safeFormat(name: string): string {
  try {
    return formatReference(parseReference(name));
  } catch {
    // not a reference we can normalise: shown as given
    return name;
  }
}

