/**
 * Runs each running container's healthcheck: a probe every interval (every start interval while
 * it is starting within its start period), one at a time, the first one interval after the start,
 * as Docker does. State.Health is updated and saved after each probe; a change of status is told
 * to the listener (the events bus: `health_status: healthy|unhealthy`).
 *
 * A paused container is not exec'd into: each probe then fails at once with Docker's exec refusal
 * (so a long pause makes it unhealthy, as with Docker), and probing resumes on unpause.
 *
 * One watch per running container: started by the container's start or its adoption after a
 * daemon restart, stopped by its exit, removal or the daemon's stop, which also kill a probe in
 * flight. No timer or process outlives its watch. Either way the status is `starting` again (the
 * log kept) until the next probe, as Docker's initHealthMonitor does at its restore; an adopted
 * container's start period still counts from its StartedAt.
 */
import type { Container } from '../../model/container.js';
import type { HealthResult, HealthStatus } from '../../model/health.js';
import { timestamp } from '../../util/ids.js';
import { createLogger, type Logger } from '../../util/logger.js';
import { logError } from '../../util/log-error.js';
import type { HealthProbe, RunningProbe } from './exec-probe.js';
import { healthTimings, probeArgv } from './health-config.js';
import { recordResult, startingHealth } from './health-record.js';

/** Told of each change of a container's health status (after the change is saved). */
export type HealthListener = (container: Container, status: HealthStatus) => void;

export interface HealthMonitorDeps {
  find(id: string): Container | undefined;
  save(container: Container): Promise<void>;
  probe: HealthProbe;
  listener?: HealthListener;
  logger?: Logger;
  now?: () => number;
}

interface Watch {
  argv: string[];
  /** When the container started (ms): the start period counts from it. */
  startedAt: number;
  timer?: NodeJS.Timeout;
  probe?: RunningProbe;
}

export class HealthMonitor {
  private readonly watches = new Map<string, Watch>();
  private readonly logger: Logger;
  private readonly now: () => number;
  private listener: HealthListener | undefined;

  constructor(private readonly deps: HealthMonitorDeps) {
    this.logger = deps.logger ?? createLogger('warn');
    this.now = deps.now ?? Date.now;
    this.listener = deps.listener;
  }

  /** Where status changes go (set once the events bus exists). */
  setListener(listener: HealthListener): void {
    this.listener = listener;
  }

  /** Watches being kept (tests; a leak shows here). */
  size(): number {
    return this.watches.size;
  }

  /** The container started (`resume`: adopted after a daemon restart, its start period counting from StartedAt). */
  start(container: Container, options: { resume?: boolean } = {}): void {
    this.stop(container.id);
    const argv = probeArgv(container.config.healthcheck);
    if (!argv) return;
    const before = container.state.health?.status;
    container.state.health = startingHealth(container.state.health);
    void this.deps.save(container).catch(logError(this.logger, 'warn', 'saving a starting health', { container: container.id }));
    if (options.resume && before !== undefined && before !== 'starting') this.logger.info('health starting again after a daemon restart', { container: container.id, was: before });
    const startedAt = options.resume ? Date.parse(container.state.startedAt) : Number.NaN;
    const watch: Watch = { argv, startedAt: Number.isNaN(startedAt) ? this.now() : startedAt };
    this.watches.set(container.id, watch);
    this.schedule(container, watch);
  }

  /** The container stopped or went: its timer and any probe in flight end. */
  stop(id: string): void {
    const watch = this.watches.get(id);
    if (!watch) return;
    this.watches.delete(id);
    clearTimeout(watch.timer);
    watch.probe?.cancel();
  }

  /** Daemon stop: every watch ends (running containers resume theirs at the next start). */
  close(): void {
    for (const id of [...this.watches.keys()]) this.stop(id);
  }

  private inStartPeriod(container: Container, watch: Watch): boolean {
    return this.now() - watch.startedAt < healthTimings(container.config.healthcheck!).startPeriod / 1e6;
  }

  private schedule(container: Container, watch: Watch): void {
    const timings = healthTimings(container.config.healthcheck!);
    const starting = container.state.health?.status === 'starting' && this.inStartPeriod(container, watch);
    const delayMs = Math.max(1, Math.round((starting ? timings.startInterval : timings.interval) / 1e6));
    watch.timer = setTimeout(() => void this.probeOnce(container.id, watch), delayMs);
    watch.timer.unref();
  }

  /** The container, while this watch is its watch and its process lives (running or paused). */
  private current(id: string, watch: Watch): Container | undefined {
    const container = this.deps.find(id);
    const alive = container?.state.status === 'running' || container?.state.status === 'paused';
    return this.watches.get(id) === watch && alive && container.config.healthcheck ? container : undefined;
  }

  private async probeOnce(id: string, watch: Watch): Promise<void> {
    const container = this.current(id, watch);
    if (!container) return this.stop(id);
    const timings = healthTimings(container.config.healthcheck!);
    let result: HealthResult;
    if (container.state.status === 'paused' || container.state.paused === true) {
      const now = timestamp();
      result = { start: now, end: now, exitCode: -1, output: `Container ${id} is paused, unpause the container before exec` };
    } else {
      watch.probe = this.deps.probe.run(container, watch.argv, timings.timeout);
      result = await watch.probe.result;
      watch.probe = undefined;
    }
    const now = this.current(id, watch);
    if (!now) return;
    const before = now.state.health ?? startingHealth(undefined);
    const after = recordResult(before, result, { retries: timings.retries, inStartPeriod: this.inStartPeriod(now, watch) });
    now.state.health = after;
    await this.deps.save(now).catch(logError(this.logger, 'warn', 'saving a health result', { container: id }));
    if (after.status !== before.status) this.listener?.(now, after.status);
    if (this.watches.get(id) === watch) this.schedule(now, watch);
  }
}
