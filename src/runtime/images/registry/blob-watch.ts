/**
 * Download progress from the filesystem, since skopeo prints none a machine can read: while it
 * copies, each blob in flight is a temporary `oci-put-blob*` file in the layout directory (its
 * size is `current`; `total` is the manifest's size), renamed to `<shared>/sha256/<hex>` once
 * skopeo has verified its digest (then `Verifying Checksum` and `Download complete`). A temporary
 * file doesn't say which blob it is: skopeo starts copies in manifest order, so each new one is
 * given to the first layer still waiting for one (a display heuristic only; completion is exact).
 * It looks every 100 ms: a finished blob waits at most that long before its unpack starts.
 * The watcher also notices a stall: no byte written for the registry timeout.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PullEvent } from '../../../model/registry.js';
import type { Descriptor } from './manifest.js';

export const shortId = (digest: string): string => digest.replace(/^sha256:/, '').slice(0, 12);

export interface WatchOptions {
  layoutDir: string;
  sharedBlobs: string;
  layers: readonly Descriptor[];
  emit: (event: PullEvent) => void;
  /** No byte written for this long: onStall is called once. */
  stallMs: number;
  onStall: () => void;
  /** A layer's blob is verified in the shared directory (after its `Download complete`). */
  onDone?: (digest: string) => void;
  intervalMs?: number;
}

interface LayerState {
  layer: Descriptor;
  temp?: string;
  current: number;
  done: boolean;
}

export class BlobWatch {
  private readonly states: LayerState[];
  private timer: NodeJS.Timeout | undefined;
  private lastBytes = -1;
  private lastChange = Date.now();
  private ticking = false;

  constructor(private readonly options: WatchOptions) {
    this.states = options.layers.map((layer) => ({ layer, current: 0, done: false }));
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs ?? 100);
  }

  /** One last look (blobs finished since the last tick), then no more events. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.tick(true);
  }

  private async tick(final = false): Promise<void> {
    if (this.ticking && !final) return;
    this.ticking = true;
    try {
      const temps = await this.temporaries();
      for (const state of this.states) if (!state.done) await this.update(state, temps);
      this.assign(temps);
      this.checkStall(temps);
    } finally {
      this.ticking = false;
    }
  }

  private async temporaries(): Promise<Map<string, number>> {
    const sizes = new Map<string, number>();
    // The layout directory appears when skopeo starts writing: none yet is no progress yet.
    const names = await readdir(this.options.layoutDir).catch(() => [] as string[]);
    for (const name of names.filter((entry) => entry.startsWith('oci-put-blob'))) {
      // A file renamed away between readdir and stat: it is finished, the blob check sees it.
      const info = await stat(join(this.options.layoutDir, name)).catch(() => undefined);
      if (info) sizes.set(name, info.size);
    }
    return sizes;
  }

  private async update(state: LayerState, temps: Map<string, number>): Promise<void> {
    const { digest, size } = state.layer;
    const id = shortId(digest);
    const final = await stat(join(this.options.sharedBlobs, 'sha256', digest.slice('sha256:'.length))).then(() => true, () => false);
    if (final) {
      state.done = true;
      this.options.emit({ status: 'Verifying Checksum', id });
      this.options.emit({ status: 'Download complete', id });
      this.options.onDone?.(digest);
      return;
    }
    const current = state.temp !== undefined ? temps.get(state.temp) : undefined;
    if (current !== undefined && current !== state.current) {
      state.current = current;
      this.options.emit({ status: 'Downloading', id, current: Math.min(current, size), total: size });
    }
  }

  private assign(temps: Map<string, number>): void {
    const taken = new Set(this.states.map((state) => state.temp).filter((temp) => temp !== undefined));
    const fresh = [...temps.keys()].filter((name) => !taken.has(name)).sort();
    for (const state of this.states) {
      if (fresh.length === 0) break;
      if (state.done || (state.temp !== undefined && temps.has(state.temp))) continue;
      state.temp = fresh.shift();
    }
  }

  private checkStall(temps: Map<string, number>): void {
    const bytes = [...temps.values()].reduce((sum, size) => sum + size, 0) + this.states.filter((state) => state.done).length;
    if (bytes !== this.lastBytes) {
      this.lastBytes = bytes;
      this.lastChange = Date.now();
    } else if (Date.now() - this.lastChange > this.options.stallMs) {
      this.lastChange = Infinity;
      this.options.onStall();
    }
  }
}
