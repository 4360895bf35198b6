/**
 * What one probe result does to a container's health (Docker's rules): a success makes it healthy
 * and ends the failing streak; a failure lengthens the streak, except while the container is still
 * starting within its start period, and makes it unhealthy once the streak reaches the retries.
 * The log keeps the last MAX_LOG results. Pure.
 */
import type { HealthResult, HealthState } from '../../model/health.js';

export const MAX_LOG = 5;
/** Bytes of a probe's output kept (Docker's maxOutputLen); "..." marks a cut. */
export const MAX_OUTPUT = 4096;

export function startingHealth(previous: HealthState | undefined): HealthState {
  return { status: 'starting', failingStreak: 0, log: previous?.log ?? [] };
}

export function recordResult(state: HealthState, result: HealthResult, options: { retries: number; inStartPeriod: boolean }): HealthState {
  const log = [...state.log, result].slice(-MAX_LOG);
  if (result.exitCode === 0) return { status: 'healthy', failingStreak: 0, log };
  if (state.status === 'starting' && options.inStartPeriod) return { ...state, log };
  const failingStreak = state.failingStreak + 1;
  return { status: failingStreak >= options.retries ? 'unhealthy' : state.status, failingStreak, log };
}

/** Collects a probe's output, keeping the first MAX_OUTPUT bytes. */
export class ProbeOutput {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private truncated = false;

  write(chunk: Buffer): void {
    const keep = Math.min(MAX_OUTPUT - this.size, chunk.length);
    if (keep > 0) {
      this.chunks.push(chunk.subarray(0, keep));
      this.size += keep;
    }
    if (keep < chunk.length) this.truncated = true;
  }

  text(): string {
    const text = Buffer.concat(this.chunks).toString('utf8');
    return this.truncated ? `${text}...` : text;
  }
}
