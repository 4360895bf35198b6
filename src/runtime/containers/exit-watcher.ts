/**
 * Exit codes from conmon's exit files (`<exits>/<container id>`, written when the container's
 * process ends, by conmon, which outlives the daemon). One inotify watch on the directory wakes
 * waiters; a slow poll backs it up, since a file written before the watch starts fires nothing.
 */
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export class ExitWatcher {
  private readonly waiters = new Map<string, Array<(code: number) => void>>();
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly directory: string) {}

  fileOf(id: string): string {
    return join(this.directory, id);
  }

  async read(id: string): Promise<number | undefined> {
    // No exit file: the monitor has recorded no exit (yet).
    const text = await readFile(this.fileOf(id), 'utf8').catch(() => undefined);
    if (text === undefined || text.trim() === '') return undefined;
    const code = Number(text.trim());
    return Number.isInteger(code) ? code : undefined;
  }

  async wait(id: string): Promise<number> {
    await mkdir(this.directory, { recursive: true });
    const code = await this.read(id);
    if (code !== undefined) return code;
    this.ensureWatching();
    return new Promise((resolve) => {
      this.waiters.set(id, [...(this.waiters.get(id) ?? []), resolve]);
      void this.check(id);
    });
  }

  private ensureWatching(): void {
    if (this.watcher) return;
    this.watcher = watch(this.directory, (_event, name) => {
      if (name) void this.check(name.toString());
    });
    this.timer = setInterval(() => {
      for (const id of this.waiters.keys()) void this.check(id);
    }, 1_000);
    this.timer.unref();
  }

  private async check(id: string): Promise<void> {
    if (!this.waiters.has(id)) return;
    const code = await this.read(id);
    if (code === undefined) return;
    const waiters = this.waiters.get(id) ?? [];
    this.waiters.delete(id);
    for (const resolve of waiters) resolve(code);
    if (this.waiters.size === 0) this.close();
  }

  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
