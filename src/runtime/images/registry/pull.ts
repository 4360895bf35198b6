/**
 * `docker pull` end to end: resolve the manifest (resolve.ts; failures there are plain HTTP
 * errors), then stream Docker's progress while skopeo copies the image by digest into a private
 * OCI layout whose blobs live in a shared blob directory (layer single flight: flights.ts), while
 * the store's commitPulled unpacks each layer from a staged layout as soon as skopeo has verified
 * its blob (staged-layout.ts, arrivals.ts), then records the image. A layer the store
 * already keeps is linked into the shared directory first, so skopeo skips it (`Already exists`).
 * Cancelled (every client gone) or failed, the pull leaves nothing: skopeo is killed through the
 * AbortSignal, its layout removed, and blobs no other pull needs leave the shared directory.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageRecord } from '../../../model/image.js';
import type { LoginRequest, PullEvent, PullRequest } from '../../../model/registry.js';
import type { CommitPulled, PulledReference } from '../oci-layout.js';
import { familiarName, familiarString } from '../reference.js';
import { BlobArrivals } from './arrivals.js';
import { fetchConfig, fetchImage } from './fetch.js';
import { LayerFlights } from './flights.js';
import { JoinedPulls } from './joined.js';
import { login } from './login.js';
import type { RegistryOptions } from './options.js';
import { resolvePull, type ResolvedPull } from './resolve.js';
import { StagedLayout } from './staged-layout.js';

export interface PullerDeps {
  options: RegistryOptions;
  /** A directory of the puller's own on the store's filesystem (emptied at every daemon start). */
  workDir: string;
  commit: CommitPulled;
  /** The store's file of a compressed layer blob it keeps, if it keeps it. */
  blobFile: (digest: string) => string | undefined;
  /** The image id a familiar reference (`nginx:1.9.1`) points at now. */
  currentId: (reference: string) => string | undefined;
}

const hexOf = (digest: string): string => digest.slice('sha256:'.length);

function pulledReference(ref: ResolvedPull['request']['reference']): PulledReference {
  return { repository: familiarName(ref), ...(ref.tag !== undefined ? { tag: ref.tag } : {}), ...(ref.digest !== undefined ? { digest: ref.digest } : {}) };
}

export class Puller {
  private readonly flights = new LayerFlights();
  private readonly joined = new JoinedPulls((request, emit, signal) => this.pullOnce(request, emit, signal));

  constructor(private readonly deps: PullerDeps) {}

  /** This daemon run's own directory under the work directory (see start()). */
  private runDir = '';

  get sharedBlobs(): string {
    return join(this.runDir, 'blobs');
  }

  /**
   * Empties the work directory (whatever a crashed or killed pull left) and makes a directory for
   * this run, named at random: a skopeo a `kill -9`ed daemon left running can't put a blob in it,
   * because its layout directory and the blob directory it knew are gone (its temporary file lives
   * in the former, so its final rename fails).
   */
  async start(): Promise<void> {
    await rm(this.deps.workDir, { recursive: true, force: true });
    this.runDir = join(this.deps.workDir, `run-${randomBytes(6).toString('hex')}`);
    await mkdir(join(this.sharedBlobs, 'sha256'), { recursive: true, mode: 0o700 });
  }

  /** `docker login`: checks the credentials against the registry (login.ts). */
  login(request: LoginRequest): Promise<void> {
    return login(request, this.deps.options, join(this.runDir, 'sessions'));
  }

  /**
   * Resolves, then emits progress until the image is stored. Nothing is emitted before the
   * manifest is known, so a caller can still answer an early failure with a status code. A pull
   * of an image already being pulled joins that pull (joined.ts).
   */
  pull(request: PullRequest, emit: (event: PullEvent) => void, signal: AbortSignal): Promise<ImageRecord> {
    return this.joined.pull(request, emit, signal);
  }

  private async pullOnce(request: PullRequest, emit: (event: PullEvent) => void, signal: AbortSignal): Promise<ImageRecord> {
    await mkdir(join(this.runDir, 'layouts'), { recursive: true, mode: 0o700 });
    const resolved = await resolvePull(request, this.deps.options, join(this.runDir, 'sessions'), signal);
    const layout = join(this.runDir, 'layouts', randomBytes(8).toString('hex'));
    const blobs = [resolved.manifest.digest, resolved.manifest.config.digest, ...resolved.manifest.layers.map((layer) => layer.digest)];
    const release = this.flights.use(blobs);
    try {
      return await this.fetchAndCommit(resolved, layout, emit, signal);
    } finally {
      await resolved.session.dispose();
      await rm(layout, { recursive: true, force: true });
      await rm(`${layout}.staged`, { recursive: true, force: true });
      for (const digest of release()) await rm(join(this.sharedBlobs, 'sha256', hexOf(digest)), { force: true });
    }
  }

  private async fetchAndCommit(resolved: ResolvedPull, layout: string, emit: (event: PullEvent) => void, signal: AbortSignal): Promise<ImageRecord> {
    const { reference } = resolved.request;
    const previous = reference.tag !== undefined ? this.deps.currentId(`${familiarName(reference)}:${reference.tag}`) : undefined;
    // Docker names the repository by its path: `library/nginx`, also for HOST:PORT/library/nginx.
    emit({ status: `Pulling from ${reference.path}`, id: reference.tag ?? reference.digest! });
    for (const layer of resolved.manifest.layers) await this.linkKept(layer.digest);
    const record = await this.copyWhileCommitting(resolved, layout, emit, signal);
    emit({ status: `Digest: ${resolved.manifest.digest}` });
    const shown = familiarString(reference);
    emit({ status: previous === record.id ? `Status: Image is up to date for ${shown}` : `Status: Downloaded newer image for ${shown}` });
    return record;
  }

  /**
   * skopeo copies into `layout` while the store unpacks from a staged layout (staged-layout.ts)
   * each blob skopeo has verified (arrivals.ts). Whichever side fails first stops the other, and
   * its error is the pull's.
   */
  private async copyWhileCommitting(resolved: ResolvedPull, layout: string, emit: (event: PullEvent) => void, signal: AbortSignal): Promise<ImageRecord> {
    const failed = new AbortController();
    const both = AbortSignal.any([signal, failed.signal]);
    const stopOther = (error: unknown): never => {
      failed.abort(error);
      throw error;
    };
    const staged = await StagedLayout.create(`${layout}.staged`, resolved.manifest);
    const arrivals = new BlobArrivals(resolved.manifest.layers.map((layer) => layer.digest), (digest) => staged.linkBlob(this.sharedBlobs, digest));
    const config = fetchConfig(resolved, both).then((text) => staged.writeConfig(text)).catch(stopOther);
    // commitPulled awaits it first; if it fails before that, the failure is still seen here.
    config.catch(() => undefined);
    const copied = fetchImage({ resolved, layout, sharedBlobs: this.sharedBlobs, flights: this.flights, arrivals, emit, signal: both }).catch(stopOther);
    const pulled = { dir: staged.dir, manifestDigest: resolved.manifest.digest, reference: pulledReference(resolved.request.reference), ready: { config, layer: (digest: string) => arrivals.wait(digest) } };
    const committed = this.deps.commit(pulled, (event) => emit({ status: event.status, id: event.id, ...(event.current !== undefined ? { current: event.current, total: event.total ?? 0 } : {}) }), both).catch(stopOther);
    const [, record] = await Promise.all([copied, committed, config]);
    return record;
  }

  /** A layer the store keeps goes into the shared blob directory by hard link: skopeo skips it. */
  private async linkKept(digest: string): Promise<void> {
    const file = this.deps.blobFile(digest);
    if (!file) return;
    // Already there (another pull linked or fetched it), or the store's file went: skopeo copies it.
    await link(file, join(this.sharedBlobs, 'sha256', hexOf(digest))).catch(() => undefined);
  }
}
