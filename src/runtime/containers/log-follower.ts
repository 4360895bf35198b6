/**
 * Reads a container's k8s-file log from a position and, when following, keeps reading as conmon
 * appends (inotify wake-ups plus a slow poll as a safety net). Attach is built on this too: the
 * log holds every byte from the first one, so an attach made before `start` misses nothing, and the
 * open descriptor keeps working after `--rm` unlinks the file.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { watch, type FSWatcher } from 'node:fs';
import { parseLogLine, splitLines, type LogEntry } from './k8s-log.js';
import { system } from '../../errors/index.js';

export interface LogFollowerOptions {
  /** 'end' skips what is already there (attach), 'start' replays it (logs, attach with logs=1). */
  from: 'start' | 'end';
  /** A returned promise holds reading back until the consumer has caught up. */
  onEntry: (entry: LogEntry) => void | Promise<void>;
}

const POLL_MS = 200;

export class LogFollower {
  private position = 0;
  private rest: Buffer = Buffer.alloc(0);
  private readonly buffer = Buffer.alloc(64 * 1024);
  private stopping = false;
  private wake: () => void = () => undefined;
  private following: Promise<void> | undefined;

  private constructor(private readonly path: string, private readonly handle: FileHandle, private readonly onEntry: (entry: LogEntry) => void | Promise<void>) {}

  /** Opens (creating it if conmon has not yet) and fixes the starting position now. */
  static async open(path: string, options: LogFollowerOptions): Promise<LogFollower> {
    const handle = await open(path, 'a+');
    const follower = new LogFollower(path, handle, options.onEntry);
    if (options.from === 'end') follower.position = (await handle.stat()).size;
    return follower;
  }

  /** Delivers what is in the file now, then closes it (logs without follow). */
  async readToEnd(): Promise<void> {
    try {
      await this.pump();
    } finally {
      // A read-only handle: closing can fail only when it is already closed.
      await this.handle.close().catch(() => undefined);
    }
  }

  /** Delivers what is in the file now and keeps it open (logs --tail before --follow). */
  async readAvailable(): Promise<void> {
    if (this.following) throw system('log-follower-state', 'readAvailable after follow');
    await this.pump();
  }

  /** Starts delivering entries as they are written, until stop(). */
  follow(): void {
    this.following ??= this.loop();
  }

  /** Delivers the rest of the file (the container has exited, conmon has drained), then closes. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    if (this.following) await this.following;
    else await this.readToEnd();
  }

  private async loop(): Promise<void> {
    let watcher: FSWatcher | undefined;
    try {
      watcher = watch(this.path, () => this.wake());
      watcher.on('error', () => undefined);
    } catch {
      // No file watch (inotify limits, file gone): the loop below polls every POLL_MS anyway.
      watcher = undefined;
    }
    try {
      while (!this.stopping) {
        await this.pump();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, POLL_MS);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      await this.pump();
    } finally {
      watcher?.close();
      // A read-only handle: closing can fail only when it is already closed.
      await this.handle.close().catch(() => undefined);
    }
  }

  private async pump(): Promise<void> {
    for (;;) {
      const { bytesRead } = await this.handle.read(this.buffer, 0, this.buffer.length, this.position);
      if (bytesRead === 0) {
        // conmon may have truncated the file for a new run: start over from its beginning.
        if ((await this.handle.stat()).size < this.position) {
          this.position = 0;
          this.rest = Buffer.alloc(0);
          continue;
        }
        return;
      }
      this.position += bytesRead;
      const { lines, rest } = splitLines(Buffer.concat([this.rest, this.buffer.subarray(0, bytesRead)]));
      this.rest = rest;
      for (const line of lines) {
        const entry = parseLogLine(line);
        if (entry) await this.onEntry(entry);
      }
    }
  }
}
