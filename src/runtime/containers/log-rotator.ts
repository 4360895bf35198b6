/**
 * Rotates a running container's log at its max-size (Docker's json-file `max-size`/`max-file`).
 * conmon's own `--log-size-max` truncates (it replaces the file, dropping what was in it), so the
 * daemon rotates instead: it watches the container directory (a watch on the file would follow it
 * when renamed), checks the live file's size at most every CHECK_MS, and rotates with
 * log-files.ts. A poll every POLL_MS backs the watch up. One rotation at a time per container.
 *
 * conmon keeps running while the daemon is away (restart, crash): the log is not rotated then,
 * and the daemon rotates it at once when it adopts the container again. conmon's `--log-size-max`
 * can't be the bound meanwhile: Debian's conmon 2.1.6 counts it from its own start, not from the
 * last reopen, so it would also truncate (drop) the live file of a container rotated normally.
 */
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { LogLimits } from '../../model/container.js';
import { rotateLogFiles } from './log-files.js';

const CHECK_MS = 100;
const POLL_MS = 1_000;

export interface LogRotatorOptions {
  limits: LogLimits;
  /** Asks the writer (conmon) to reopen the live file. */
  reopen: () => Promise<void>;
  /** A rotation that failed (reported, retried at the next check). */
  onError: (error: unknown) => void;
}

export class LogRotator {
  private watcher: FSWatcher | undefined;
  private readonly poll: NodeJS.Timeout;
  private scheduled: NodeJS.Timeout | undefined;
  private rotating: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly path: string, private readonly options: LogRotatorOptions) {
    try {
      const name = basename(path);
      this.watcher = watch(dirname(path), (_event, file) => {
        if (file === name) this.schedule();
      });
      this.watcher.on('error', () => undefined);
    } catch {
      // No watch (inotify limits): the poll alone rotates, a second late at most.
      this.watcher = undefined;
    }
    this.poll = setInterval(() => this.schedule(), POLL_MS);
    this.poll.unref();
    this.schedule();
  }

  /** Resolves once a rotation in progress has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    clearInterval(this.poll);
    clearTimeout(this.scheduled);
    await this.rotating;
  }

  private schedule(): void {
    if (this.stopped || this.scheduled || this.rotating) return;
    this.scheduled = setTimeout(() => {
      this.scheduled = undefined;
      this.rotating = this.check().catch(this.options.onError).finally(() => (this.rotating = undefined));
    }, CHECK_MS);
    this.scheduled.unref();
  }

  private async check(): Promise<void> {
    // Missing: rotated and not yet reopened, or the container is gone.
    const size = (await stat(this.path).catch(() => undefined))?.size ?? 0;
    if (this.stopped || size < this.options.limits.maxSize) return;
    await rotateLogFiles(this.path, this.options.limits.maxFiles, this.options.reopen);
  }
}
