/**
 * Live snapshots: the topology is read from the API at start and again after every container or
 * network event on the daemon's own event stream (a burst of events is one re-read, at most one
 * in flight, 50 ms after the first of them), and each new snapshot goes to every subscriber (the
 * pages' server-sent event streams). The stream is re-opened a second after it ends.
 */
import type { Logger } from '../util/logger.js';
import type { DockerApi } from './docker-api.js';
import { buildTopology, type Topology } from './topology.js';

const EVENTS_PATH = `/events?filters=${encodeURIComponent(JSON.stringify({ type: ['container', 'network'] }))}`;
const SETTLE_MS = 50;

export class LiveTopology {
  private current: Topology | undefined;
  private readonly listeners = new Set<(topology: Topology) => void>();
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private again = false;

  constructor(private readonly api: DockerApi, private readonly logger: Logger) {}

  start(): void {
    void this.follow();
    this.schedule();
  }

  close(): void {
    this.abort.abort();
    clearTimeout(this.timer);
    this.listeners.clear();
  }

  /** The latest snapshot (read now if none yet). */
  async snapshot(): Promise<Topology> {
    return this.current ?? (await this.read());
  }

  subscribe(listener: (topology: Topology) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async read(): Promise<Topology> {
    const [networks, containers, info] = await Promise.all([this.api.get('/networks'), this.api.get('/containers/json?all=1'), this.api.get('/info')]);
    const topology = buildTopology(networks, containers, info);
    this.current = topology;
    return topology;
  }

  private schedule(): void {
    if (this.abort.signal.aborted) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.reading = this.refresh().finally(() => {
        this.reading = undefined;
        if (this.again) {
          this.again = false;
          this.schedule();
        }
      });
    }, SETTLE_MS);
  }

  private async refresh(): Promise<void> {
    try {
      const topology = await this.read();
      for (const listener of this.listeners) listener(topology);
    } catch (error) {
      this.logger.warn('ui: reading the topology failed', { error: String(error) });
    }
  }

  private async follow(): Promise<void> {
    while (!this.abort.signal.aborted) {
      await this.api.stream(EVENTS_PATH, () => this.schedule(), this.abort.signal).catch((error: unknown) => {
        this.logger.debug('ui: event stream ended', { error: String(error) });
      });
      if (this.abort.signal.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      this.schedule();
    }
  }
}
