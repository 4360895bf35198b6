/**
 * `docker push`: for each tag, an OCI layout of the image (push-layout.ts: manifest and config
 * written, layer blobs hard-linked from the store) copied by `skopeo copy --preserve-digests` to
 * `docker://HOST/REPO:TAG`, credentials in the session's 0600 auth file. The stream is Docker's:
 * `The push refers to repository [HOST/REPO]`, per layer Preparing/Waiting/Pushing/Pushed or
 * `Layer already exists` (push-progress.ts), then `TAG: digest: sha256:… size: N` with the
 * PushResult aux. A push that stops moving (no log line, no byte read) for the registry timeout
 * is abandoned; a client gone aborts it; the layout is removed whatever happened.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { system } from '../../../errors/index.js';
import { run } from '../../../exec/index.js';
import { openFileOffsets } from '../../../kernel/linux/open-file-offsets.js';
import type { PushEvent, PushRequest } from '../../../model/registry.js';
import { familiarName } from '../reference.js';
import type { RegistryOptions } from './options.js';
import { PushProgress } from './push-progress.js';
import { PUSH_REF, writePushLayout, type PushImage, type PushManifest } from './push-layout.js';
import { openPullSession } from './resolve.js';
import { pushArgv } from './skopeo.js';
import { pushError } from './push-errors.js';

export type { PushImage };

/** One tag to push and the image it names. */
export interface PushTag {
  tag: string;
  image: PushImage;
}

export interface PushedTag {
  tag: string;
  digest: string;
}

export interface PushJob {
  request: PushRequest;
  tags: readonly PushTag[];
  emit: (event: PushEvent) => void;
  signal: AbortSignal;
}

const COPY_DEADLINE_MS = 3_600_000;
const WATCH_MS = 250;

export class Pusher {
  constructor(private readonly options: RegistryOptions, private readonly workDir: string) {}

  async push(job: PushJob): Promise<PushedTag[]> {
    const { reference } = job.request;
    job.emit({ status: `The push refers to repository [${familiarName({ ...reference, tag: undefined, digest: undefined })}]` });
    const pushed: PushedTag[] = [];
    for (const { tag, image } of job.tags) {
      const layout = join(this.workDir, 'pushes', randomBytes(8).toString('hex'));
      await mkdir(join(this.workDir, 'pushes'), { recursive: true, mode: 0o700 });
      try {
        const manifest = await writePushLayout(layout, image);
        await this.copy(job, tag, image, layout);
        // Two messages, as Docker sends them: the CLI prints the status and hands the aux to its callback.
        job.emit({ status: `${tag}: digest: ${manifest.digest} size: ${manifest.size}` });
        job.emit({ status: '', aux: { Tag: tag, Digest: manifest.digest, Size: manifest.size } });
        pushed.push({ tag, digest: manifest.digest });
      } finally {
        await rm(layout, { recursive: true, force: true });
      }
    }
    return pushed;
  }

  private async copy(job: PushJob, tag: string, image: PushImage, layout: string): Promise<void> {
    const { reference } = job.request;
    const { session, source } = await openPullSession({ reference: { ...reference, tag }, ...(job.request.auth ? { auth: job.request.auth } : {}) }, this.options, join(this.workDir, 'sessions'));
    const progress = new PushProgress(image.layers, job.emit);
    const stalled = new AbortController();
    const watch = new PushWatch(progress, join(layout, 'blobs', 'sha256'), source.timeoutMs, () => stalled.abort());
    progress.begin();
    try {
      const argv = pushArgv(session, source, `oci:${layout}:${PUSH_REF}`, `${reference.domain}/${reference.path}:${tag}`, COPY_DEADLINE_MS);
      await run(argv, { env: session.env, timeoutMs: COPY_DEADLINE_MS, signal: AbortSignal.any([job.signal, stalled.signal]), onSpawn: (pid) => watch.start(pid), onStderr: (chunk) => watch.stderr(chunk) });
      watch.flush();
      progress.end();
    } catch (error) {
      if (stalled.signal.aborted && !job.signal.aborted) {
        throw system('registry-timeout', `registry ${reference.domain} took nothing for ${Math.round(source.timeoutMs / 1000)}s (registry-timeout): push abandoned`);
      }
      throw pushError(error, familiarName({ ...reference, tag: undefined, digest: undefined }));
    } finally {
      watch.stop();
      await session.dispose();
    }
  }
}

/** Feeds skopeo's stderr lines and its read offsets to the progress, and notices a stall. */
class PushWatch {
  private timer: NodeJS.Timeout | undefined;
  private pending = '';
  private lastMove = Date.now();
  private reading = false;

  constructor(private readonly progress: PushProgress, private readonly blobDir: string, private readonly stallMs: number, private readonly onStall: () => void) {}

  start(pid: number): void {
    this.timer = setInterval(() => void this.poll(pid), WATCH_MS);
  }

  stderr(chunk: Buffer): void {
    this.lastMove = Date.now();
    const lines = (this.pending + chunk.toString('utf8')).split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.progress.line(line);
  }

  flush(): void {
    if (this.pending !== '') this.progress.line(this.pending);
    this.pending = '';
  }

  private async poll(pid: number): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      const offsets = await openFileOffsets(pid, this.blobDir);
      const byDigest = new Map<string, number>();
      for (const [file, offset] of offsets) byDigest.set(`sha256:${file.slice(this.blobDir.length + 1)}`, offset);
      if (this.moved(byDigest)) this.lastMove = Date.now();
      this.progress.offsets(byDigest);
      if (Date.now() - this.lastMove > this.stallMs) this.onStall();
    } finally {
      this.reading = false;
    }
  }

  private last = new Map<string, number>();

  private moved(offsets: ReadonlyMap<string, number>): boolean {
    const moved = [...offsets].some(([digest, offset]) => this.last.get(digest) !== offset);
    this.last = new Map(offsets);
    return moved;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

export type { PushManifest };
