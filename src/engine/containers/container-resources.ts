/**
 * `docker update` of a container's cgroup limits and `docker stats`. An update is checked against
 * the limits the container has (Docker's UpdateContainer rules), applied to the running
 * container's cgroups first (runc update) and stored only once that worked, so a failed update
 * changes nothing; a stopped container's new limits apply at its next start.
 *
 * Stats come from the metrics port (cgroup files and interface counters). Without a stream, the
 * frame's precpu is the container's previous reading when one was taken between 50 ms and a minute
 * ago, otherwise a reading taken 100 ms before (Docker's no-stream waits for its collector's second
 * reading, one second apart), so the CLI's CPU % is real; with one-shot there is none.
 */
import { invalid } from '../../errors/index.js';
import type { Container } from '../../model/container.js';
import { NO_RESOURCES, type ContainerResources, type ResourceUpdate } from '../../model/resources.js';
import type { StatsSample } from '../../model/stats.js';
import type { ContainerService } from './container-service.js';
import type { ContainerRuntime } from './dependencies.js';

export interface ContainerMetrics {
  /**
   * A running container's figures, by its init process; rejects when the process is gone. `key`
   * names this life of the process (what the reader may remember about it, e.g. its cgroups).
   */
  sample(pid: number, options: { networks: boolean; key: string }): Promise<StatsSample>;
}

export interface StatsFrame {
  id: string;
  name: string;
  /** Absent when the container isn't running. */
  sample?: StatsSample;
  /** The reading before (precpu); absent on the first. */
  previous?: StatsSample;
}

export interface StatsOptions {
  stream: boolean;
  oneShot: boolean;
  signal: AbortSignal;
  /** Between frames of a stream (Docker's collector: 1 s); before the second reading of a no-stream. */
  intervalMs?: number;
  primeMs?: number;
}

const fail = (message: string): Error => invalid('invalid-resources', message);

/**
 * Docker's UpdateContainer: NanoCpus sets the CFS period and quota itself, so once one way is
 * set the other can't be updated.
 */
function checkCpuUpdate(current: ContainerResources, update: ResourceUpdate): void {
  if ((update.nanoCpus ?? 0) > 0 && (current.cpuPeriod ?? 0) > 0) throw fail('Conflicting options: Nano CPUs cannot be updated as CPU Period has already been set (NanoCpus)');
  if ((update.nanoCpus ?? 0) > 0 && (current.cpuQuota ?? 0) > 0) throw fail('Conflicting options: Nano CPUs cannot be updated as CPU Quota has already been set (NanoCpus)');
  if ((update.cpuPeriod ?? 0) > 0 && current.nanoCpus > 0) throw fail('Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set (CpuPeriod)');
  if ((update.cpuQuota ?? 0) > 0 && current.nanoCpus > 0) throw fail('Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set (CpuQuota)');
}

/** The limits after `update` (Docker's UpdateContainer: 0 leaves a field as it is). */
export function mergeUpdate(current: ContainerResources, update: ResourceUpdate): ContainerResources {
  checkCpuUpdate(current, update);
  if (update.memory !== undefined && update.memorySwap === undefined && current.memorySwap > 0 && update.memory > current.memorySwap) {
    throw fail('Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time (Memory)');
  }
  const next = { ...current, ...update };
  if (next.memory > 0 && next.memorySwap > 0 && next.memorySwap < next.memory) {
    throw fail('Minimum memoryswap limit should be larger than memory limit, see usage (MemorySwap)');
  }
  if (next.memory === 0 && next.memorySwap > 0) throw fail('You should always set the Memory limit when using Memoryswap limit, see usage (MemorySwap)');
  if (next.memory > 0 && (next.memoryReservation ?? 0) > next.memory) {
    throw fail('Minimum memory limit can not be less than memory reservation limit, see usage (MemoryReservation)');
  }
  return next;
}

const isLive = (container: Container): boolean => container.state.status === 'running' || container.state.status === 'paused';

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** How long a no-stream request waits between its two readings when it has no earlier one. */
const PRIME_MS = 100;

export class ContainerResourceService {
  /** Each container's latest reading (the precpu of the next no-stream frame), dropped when it is removed. */
  private readonly last = new Map<string, { sample: StatsSample; at: number; key: string }>();

  constructor(private readonly deps: { containers: ContainerService; runtime: Pick<ContainerRuntime, 'updateResources'>; metrics: ContainerMetrics }) {
    deps.containers.onRemoved((id) => this.last.delete(id));
  }

  /** Returns Docker's update warnings (none). */
  async update(reference: string, update: ResourceUpdate): Promise<string[]> {
    return this.deps.containers.locked(reference, async (container) => {
      const next = mergeUpdate(container.hostConfig.resources ?? NO_RESOURCES, update);
      if (isLive(container)) await this.deps.runtime.updateResources(container.id, next);
      container.hostConfig = { ...container.hostConfig, resources: next };
      await this.deps.containers.save(container);
      return [];
    });
  }

  /** A reading of the container as it is now; undefined when it isn't running (or just stopped). */
  private async read(reference: string): Promise<StatsSample | undefined> {
    const container = this.deps.containers.find(reference);
    if (!container || !isLive(container) || container.state.pid <= 0) return undefined;
    const key = `${container.id}:${container.state.startedAt}:${container.state.pid}`;
    // The process ended between the check and the read: a stopped container's (empty) frame.
    const sample = await this.deps.metrics.sample(container.state.pid, { networks: container.hostConfig.networkMode !== 'host', key }).catch(() => undefined);
    if (sample) this.last.set(container.id, { sample, at: Date.now(), key });
    return sample;
  }

  /** The reading before, for a no-stream frame: one taken a moment to a minute ago in this life of the process. */
  private earlier(id: string): StatsSample | undefined {
    const last = this.last.get(id);
    const container = this.deps.containers.find(id);
    if (!last || !container || last.key !== `${container.id}:${container.state.startedAt}:${container.state.pid}`) return undefined;
    const age = Date.now() - last.at;
    return age >= PRIME_MS / 2 && age <= 60_000 ? last.sample : undefined;
  }

  /** Calls `onFrame` once (no stream) or every interval until the client leaves or the container is removed. */
  async stats(reference: string, options: StatsOptions, onFrame: (frame: StatsFrame) => void): Promise<void> {
    const { id, name } = this.deps.containers.get(reference);
    const frame = (sample: StatsSample | undefined, previous: StatsSample | undefined): StatsFrame => ({ id, name, ...(sample ? { sample } : {}), ...(previous ? { previous } : {}) });
    if (!options.stream) {
      const earlier = options.oneShot ? undefined : this.earlier(id);
      const first = await this.read(id);
      if (!first || options.oneShot || earlier) return onFrame(frame(first, first ? earlier : undefined));
      await delay(options.primeMs ?? PRIME_MS, options.signal);
      const second = await this.read(id);
      return onFrame(second ? frame(second, first) : frame(undefined, undefined));
    }
    let previous: StatsSample | undefined;
    while (!options.signal.aborted && this.deps.containers.find(id)) {
      const sample = await this.read(id);
      onFrame(frame(sample, previous));
      previous = sample;
      await delay(options.intervalMs ?? 1000, options.signal);
    }
  }
}
