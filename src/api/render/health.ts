/** Config.Healthcheck and State.Health as Docker's inspect shows them; the health part of `docker ps` Status. */
import type { Container } from '../../model/container.js';
import type { HealthConfig, HealthState } from '../../model/health.js';

/** Zero parts are left out (Go's omitempty). */
export function renderHealthConfig(config: HealthConfig): Record<string, unknown> {
  const wire: Record<string, unknown> = {};
  if (config.test.length > 0) wire['Test'] = config.test;
  const parts: Array<[string, number]> = [['Interval', config.interval], ['Timeout', config.timeout], ['StartPeriod', config.startPeriod], ['StartInterval', config.startInterval], ['Retries', config.retries]];
  for (const [key, value] of parts) if (value !== 0) wire[key] = value;
  return wire;
}

export function renderHealthState(health: HealthState): Record<string, unknown> {
  return {
    Status: health.status,
    FailingStreak: health.failingStreak,
    Log: health.log.map((entry) => ({ Start: entry.start, End: entry.end, ExitCode: entry.exitCode, Output: entry.output })),
  };
}

/** " (healthy)", " (unhealthy)", " (health: starting)" after "Up …" for a running container with a healthcheck. */
export function healthSuffix(container: Container): string {
  const status = container.state.status === 'running' ? container.state.health?.status : undefined;
  if (status === undefined) return '';
  return status === 'starting' ? ' (health: starting)' : ` (${status})`;
}
