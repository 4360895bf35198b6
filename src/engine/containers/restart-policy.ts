/**
 * Restart policies as Docker's restart manager applies them: `always` comes back after any exit,
 * `unless-stopped` unless a user stopped it, `on-failure[:N]` after a non-zero exit (at most N
 * times when N > 0), `no` never. A stop or kill cancels the pending decision (the process ended
 * because a user asked). Each restart waits a backoff: 100 ms, doubling up to a minute; a run
 * that lasted 10 s resets it and comes back at once (then 100 ms, 200 ms … if it crashes
 * quickly). A daemon start is Docker's "restore": containers whose policy says so come back
 * (`always` even after a manual stop, `unless-stopped` not).
 */
import { invalid } from '../../errors/index.js';
import type { RestartPolicy } from '../../model/container.js';

export const BACKOFF_FIRST_MS = 100;
export const BACKOFF_MAX_MS = 60_000;
/** A run at least this long resets the backoff to its first step. */
export const BACKOFF_RESET_AFTER_MS = 10_000;

export interface ExitFacts {
  exitCode: number;
  manuallyStopped: boolean;
  /** Restarts so far (on-failure's cap counts them). */
  restartCount: number;
}

/** Whether the policy brings the container back after an exit with these facts. */
export function policyRestarts(policy: RestartPolicy, facts: ExitFacts): boolean {
  switch (policy.name) {
    case 'always':
      return true;
    case 'unless-stopped':
      return !facts.manuallyStopped;
    case 'on-failure':
      return facts.exitCode !== 0 && (policy.maximumRetryCount === 0 || facts.restartCount < policy.maximumRetryCount);
    default:
      return false;
  }
}

/**
 * The wait before the next restart, after `previousMs` (0: none yet, or the last was immediate)
 * and a run of `ranMs`. A run of 10 s or more is no crash loop: it comes back at once (Docker
 * resets its backoff then, yet still waits its first 100 ms step; nothing is gained by that wait).
 */
export function nextBackoff(previousMs: number, ranMs: number): number {
  if (ranMs >= BACKOFF_RESET_AFTER_MS) return 0;
  return previousMs === 0 ? BACKOFF_FIRST_MS : Math.min(previousMs * 2, BACKOFF_MAX_MS);
}

/** Docker's checks of a policy (create and update): a 400 for an unknown name or a misplaced count. */
export function validateRestartPolicy(policy: RestartPolicy, autoRemove: boolean): RestartPolicy {
  const { name, maximumRetryCount } = policy;
  if (!['', 'no', 'always', 'unless-stopped', 'on-failure'].includes(name)) throw invalid('restart-policy', `invalid restart policy '${name}'`);
  if (!Number.isInteger(maximumRetryCount)) throw invalid('restart-policy', 'maximum retry count must be an integer');
  if (name === 'on-failure' && maximumRetryCount < 0) throw invalid('restart-policy', 'maximum retry count cannot be negative');
  if (name !== 'on-failure' && maximumRetryCount !== 0) throw invalid('restart-policy', `maximum retry count cannot be used with restart policy '${name}'`);
  const normal = { name: name === '' ? 'no' : name, maximumRetryCount };
  if (autoRemove && normal.name !== 'no') throw invalid('restart-policy', "can't create 'AutoRemove' container with restart policy");
  return normal;
}

/**
 * Pending restarts (one timer each) and each container's backoff and cancel mark; in memory, as
 * Docker's restart manager: a daemon start begins afresh.
 */
export class RestartSchedule {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly backoff = new Map<string, number>();
  private readonly cancelled = new Set<string>();

  /** The next wait for a container that ran `ranMs` (moves its backoff a step). */
  delayFor(id: string, ranMs: number): number {
    const delay = nextBackoff(this.backoff.get(id) ?? 0, ranMs);
    this.backoff.set(id, delay);
    return delay;
  }

  schedule(id: string, delayMs: number, task: () => void): void {
    clearTimeout(this.timers.get(id));
    const timer = setTimeout(() => {
      this.timers.delete(id);
      task();
    }, delayMs);
    timer.unref();
    this.timers.set(id, timer);
  }

  pending(id: string): boolean {
    return this.timers.has(id);
  }

  /** A user stopped or killed it: no restart for this exit (nor the pending one). */
  cancel(id: string): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    this.cancelled.add(id);
  }

  isCancelled(id: string): boolean {
    return this.cancelled.has(id);
  }

  /** A start: the backoff and the cancel mark begin again (also when the container goes). */
  reset(id: string): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    this.backoff.delete(id);
    this.cancelled.delete(id);
  }
}
