/**
 * The copy itself: per-layer statuses first (`Already exists` for a blob in the shared directory,
 * `Waiting` for one another pull is fetching, `Pulling fs layer` for the rest), then a wait for
 * the other pulls' copies (flights.ts), then `skopeo copy docker://REPO@sha256:MANIFEST` into the
 * layout with the blobs in the shared directory, watched for progress and stalls (blob-watch.ts),
 * killed through the AbortSignal when the clients are gone. Each layer blob is handed on as soon
 * as skopeo has verified it (arrivals.ts), so the store unpacks it while the rest download. The
 * layout the store reads is not skopeo's (staged-layout.ts): skopeo converts a Docker schema 2
 * manifest to OCI, which would change its digest, so its own manifest (and converted config)
 * leave the shared directory when it is done.
 */
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../../exec/index.js';
import { system } from '../../../errors/index.js';
import type { PullEvent } from '../../../model/registry.js';
import type { BlobArrivals } from './arrivals.js';
import { BlobWatch, shortId } from './blob-watch.js';
import type { LayerFlights } from './flights.js';
import type { Descriptor } from './manifest.js';
import type { ResolvedPull } from './resolve.js';
import { configArgv, copyArgv, runSkopeo } from './skopeo.js';
import { pullError } from './skopeo-errors.js';

/** A whole image copy may take long; a stall (no byte for the registry timeout) ends it sooner. */
const COPY_DEADLINE_MS = 3_600_000;

export interface FetchJob {
  resolved: ResolvedPull;
  layout: string;
  sharedBlobs: string;
  flights: LayerFlights;
  arrivals: BlobArrivals;
  emit: (event: PullEvent) => void;
  signal: AbortSignal;
}

const blobPath = (shared: string, digest: string): string => join(shared, 'sha256', digest.slice('sha256:'.length));
const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);

async function missingBlobs(job: FetchJob, layers: readonly Descriptor[]): Promise<Descriptor[]> {
  const missing: Descriptor[] = [];
  for (const layer of layers) if (!(await exists(blobPath(job.sharedBlobs, layer.digest)))) missing.push(layer);
  return missing;
}

function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(system('pull-cancelled', 'pull cancelled: every client disconnected'));
    signal.addEventListener('abort', () => reject(system('pull-cancelled', 'pull cancelled: every client disconnected')), { once: true });
  });
}

/** Announces every layer, then waits (holding no claim) until no other pull fetches one we need. */
async function announceAndWait(job: FetchJob): Promise<Descriptor[]> {
  const layers = job.resolved.manifest.layers;
  const missing = new Set((await missingBlobs(job, layers)).map((layer) => layer.digest));
  for (const layer of layers) {
    const status = !missing.has(layer.digest) ? 'Already exists' : job.flights.isFetching(layer.digest) ? 'Waiting' : 'Pulling fs layer';
    job.emit({ status, id: shortId(layer.digest) });
  }
  for (;;) {
    const needed = await missingBlobs(job, layers);
    const busy = job.flights.busy(needed.map((layer) => layer.digest));
    if (busy.length === 0) return needed;
    await Promise.race([Promise.all(busy), untilAborted(job.signal)]);
  }
}

async function copy(job: FetchJob, needed: readonly Descriptor[]): Promise<void> {
  const { resolved } = job;
  const stalled = new AbortController();
  const signal = AbortSignal.any([job.signal, stalled.signal]);
  const release = job.flights.claim(needed.map((layer) => layer.digest));
  const watch = new BlobWatch({ layoutDir: job.layout, sharedBlobs: job.sharedBlobs, layers: needed, emit: job.emit, onDone: (digest) => job.arrivals.arrive(digest), stallMs: resolved.source.timeoutMs, onStall: () => stalled.abort() });
  watch.start();
  try {
    const image = `${resolved.repository}@${resolved.manifest.digest}`;
    await run(copyArgv(resolved.session, resolved.source, image, job.layout, job.sharedBlobs, COPY_DEADLINE_MS), { env: resolved.session.env, timeoutMs: COPY_DEADLINE_MS, signal });
  } catch (error) {
    if (stalled.signal.aborted && !job.signal.aborted) {
      throw system('registry-timeout', `registry ${resolved.request.reference.domain} sent nothing for ${Math.round(resolved.source.timeoutMs / 1000)}s (registry-timeout): pull abandoned`);
    }
    throw pullError(error, resolved.context);
  } finally {
    release();
    await watch.stop();
  }
}

/**
 * The registry's own config bytes (`inspect --config --raw`), fetched beside the copy: skopeo writes
 * its config only after every layer (and re-serialises a schema 2 one: another digest, and so
 * another image id than Docker's), while the store needs the diff_ids to unpack the first layer.
 * The caller checks the text against the manifest's config digest (staged-layout.ts).
 */
export async function fetchConfig(resolved: ResolvedPull, signal: AbortSignal): Promise<string> {
  try {
    const image = `${resolved.repository}@${resolved.manifest.digest}`;
    return (await runSkopeo(configArgv(resolved.session, resolved.source, image), resolved.session, resolved.source.timeoutMs, signal)).stdout;
  } catch (error) {
    throw pullError(error, resolved.context);
  }
}

/** skopeo's converted manifest and, if it differs from the registry's, its re-serialised config. */
async function dropConverted(shared: string, written: string, config: string): Promise<void> {
  // Unreadable or odd: only the manifest goes (the work directory is emptied at start anyway).
  const converted = JSON.parse(await readFile(blobPath(shared, written), 'utf8').catch(() => '{}')) as { config?: { digest?: unknown } };
  const convertedConfig = converted.config?.digest;
  if (typeof convertedConfig === 'string' && /^sha256:[0-9a-f]{64}$/.test(convertedConfig) && convertedConfig !== config) await rm(blobPath(shared, convertedConfig), { force: true });
  await rm(blobPath(shared, written), { force: true });
}

/** skopeo's own manifest and its converted config (if it converted) leave the shared directory. */
async function dropSkopeoManifest(job: FetchJob): Promise<void> {
  const { manifest } = job.resolved;
  // No index.json (skopeo failed before writing it): nothing of its own to drop.
  const index = JSON.parse(await readFile(join(job.layout, 'index.json'), 'utf8').catch(() => '{}')) as { manifests?: Array<{ digest?: unknown }> };
  const written = index.manifests?.[0]?.digest;
  if (typeof written === 'string' && /^sha256:[0-9a-f]{64}$/.test(written) && written !== manifest.digest) await dropConverted(job.sharedBlobs, written, manifest.config.digest);
}

/** Copies the image; each layer blob is handed to `arrivals` as soon as skopeo has verified it. */
export async function fetchImage(job: FetchJob): Promise<void> {
  try {
    const needed = await announceAndWait(job);
    const fetching = new Set(needed.map((layer) => layer.digest));
    for (const layer of job.resolved.manifest.layers) if (!fetching.has(layer.digest)) job.arrivals.arrive(layer.digest);
    await copy(job, needed);
  } catch (error) {
    job.arrivals.fail(error);
    throw error;
  }
  job.arrivals.settle();
  await dropSkopeoManifest(job);
}
