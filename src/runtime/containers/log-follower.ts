/**
 * Reads a container's k8s-file log from a position and, when following, keeps reading as conmon
 * appends (inotify wake-ups on the directory plus a slow poll as a safety net). Attach is built on
 * this too: the log holds every byte from the first one, so an attach made before `start` misses
 * nothing, and the open descriptors keep working after `--rm` unlinks the files.
 *
 * Rotation (log-files.ts): reading from the start opens every rotated file up front, so a rotation
 * while they are read renames them under us without changing what is read. When the live file is
 * drained and its name now holds another file, conmon has reopened: the old one is complete, and
 * reading moves on to the new one from its start.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { parseLogLine, splitLines, type LogEntry } from './k8s-log.js';
import { rotatedLogFiles } from './log-files.js';
import { completeEnd, lastLineEntries } from './log-tail.js';
import { system } from '../../errors/index.js';

export interface LogFollowerOptions {
  /** 'end' skips what is already there (attach), 'start' replays it (logs, attach with logs=1). */
  from: 'start' | 'end';
  /** With 'end': readAvailable() first delivers the last `tail` lines (`logs --tail N`), read backwards. */
  tail?: number;
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
  /** Files to read after `handle`, in order (from the start: the newer rotated ones, then the live one). */
  private pending: FileHandle[] = [];
  /** With a tail: the rotated files, oldest first, read backwards once and closed. */
  private older: FileHandle[] = [];
  private tail: number | undefined;

  private constructor(private readonly path: string, private handle: FileHandle, private readonly onEntry: (entry: LogEntry) => void | Promise<void>) {}

  /** Opens (creating the live file if conmon has not yet) and fixes the starting position now. */
  static async open(path: string, options: LogFollowerOptions): Promise<LogFollower> {
    const older = options.from === 'start' || options.tail !== undefined ? await openAll(await rotatedLogFiles(path)) : [];
    const handle = await open(path, 'a+');
    const files = options.from === 'start' ? [...older, handle] : [handle];
    const follower = new LogFollower(path, files[0] ?? handle, options.onEntry);
    follower.pending = files.slice(1);
    if (options.from === 'end') follower.older = older;
    if (options.from === 'end') follower.position = await completeEnd(handle, (await handle.stat()).size);
    if (options.from === 'end' && options.tail !== undefined) follower.tail = options.tail;
    return follower;
  }

  /** Delivers what is in the file now, then closes it (logs without follow). */
  async readToEnd(): Promise<void> {
    try {
      await this.readAvailable();
    } finally {
      await this.closeAll();
    }
  }

  /** Delivers what is in the files now (or the tail) and keeps the live file open (before --follow). */
  async readAvailable(): Promise<void> {
    if (this.following) throw system('log-follower-state', 'readAvailable after follow');
    if (this.tail !== undefined) return this.deliverTail(this.tail);
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

  private async deliverTail(count: number): Promise<void> {
    this.tail = undefined;
    const segments = [{ handle: this.handle, end: this.position }, ...[...this.older].reverse().map((handle) => ({ handle, end: Infinity }))];
    for (const segment of segments.slice(1)) segment.end = (await segment.handle.stat()).size;
    const entries = await lastLineEntries(segments, count);
    await this.closeOlder();
    for (const entry of entries) await this.onEntry(entry);
  }

  private async loop(): Promise<void> {
    let watcher: FSWatcher | undefined;
    try {
      // The directory, not the file: a watch on the file would stay with it when it is rotated.
      const name = basename(this.path);
      watcher = watch(dirname(this.path), (_event, file) => {
        if (file === null || file.startsWith(name)) this.wake();
      });
      watcher.on('error', () => undefined);
    } catch {
      // No watch (inotify limits, directory gone): the loop below polls every POLL_MS anyway.
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
      await this.closeAll();
    }
  }

  private async pump(): Promise<void> {
    for (;;) {
      const { bytesRead } = await this.handle.read(this.buffer, 0, this.buffer.length, this.position);
      if (bytesRead === 0) {
        if (await this.nextFile()) continue;
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

  /** At the end of a file: moves to the next one (rotated, reopened or truncated); false when there is none. */
  private async nextFile(): Promise<boolean> {
    const next = this.pending.shift();
    if (next) {
      // A read-only handle: closing can fail only when it is already closed.
      await this.handle.close().catch(() => undefined);
      this.handle = next;
      return this.restart();
    }
    const current = await this.handle.stat();
    // conmon may have truncated the file for a new run: start over from its beginning.
    if (current.size < this.position) return this.restart();
    // Gone (rotated, conmon not reopened yet, or removed): keep the open file.
    const named = await stat(this.path).catch(() => undefined);
    if (!named || named.ino === current.ino) return false;
    // Unlinked again between the stat and the open: the next pump looks again.
    const reopened = await open(this.path, 'r').catch(() => undefined);
    if (!reopened) return false;
    // (a read-only handle, as above)
    await this.handle.close().catch(() => undefined);
    this.handle = reopened;
    return this.restart();
  }

  private restart(): true {
    this.position = 0;
    this.rest = Buffer.alloc(0);
    return true;
  }

  private async closeOlder(): Promise<void> {
    // Read-only handles: closing can fail only when one is already closed.
    for (const handle of [...this.older.splice(0), ...this.pending.splice(0)]) await handle.close().catch(() => undefined);
  }

  private async closeAll(): Promise<void> {
    await this.closeOlder();
    // As above.
    await this.handle.close().catch(() => undefined);
  }
}

async function openAll(paths: readonly string[]): Promise<FileHandle[]> {
  const handles: FileHandle[] = [];
  for (const path of paths) {
    // Deleted by a rotation between the listing and the open: it is past the end anyway.
    const handle = await open(path, 'r').catch(() => undefined);
    if (handle) handles.push(handle);
  }
  return handles;
}
