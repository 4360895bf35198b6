/**
 * Config.Healthcheck (`--health-cmd`, `--health-interval`, `--health-timeout`, `--health-retries`,
 * `--health-start-period`, `--health-start-interval`, `--no-healthcheck`) decoded with dockerd's
 * checks: a duration set is at least 1ms, retries are not negative, and the test is one Docker
 * can run (NONE, CMD with a command, CMD-SHELL with a command line). Each 400 names the field and
 * the CLI option. Null, absent and `{}` mean "the image's".
 */
import { invalid } from '../../errors/index.js';
import type { HealthConfig } from '../../model/health.js';
import { formatGoDuration } from '../../util/go-duration.js';
import { object, strings } from './json.js';

const MINIMUM_NS = 1e6;

const DURATIONS = [
  ['Interval', '--health-interval'],
  ['Timeout', '--health-timeout'],
  ['StartPeriod', '--health-start-period'],
  ['StartInterval', '--health-start-interval'],
] as const;

function duration(raw: Record<string, unknown>, field: string, flag: string): number {
  const value = raw[field];
  if (value === undefined || value === null || value === 0) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid('healthcheck', `Healthcheck.${field} (${flag}) must be an integer number of nanoseconds`);
  if (value < MINIMUM_NS) throw invalid('healthcheck', `${field} in Healthcheck cannot be less than ${formatGoDuration(MINIMUM_NS)} (${flag}): ${formatGoDuration(value)}`);
  return value;
}

function retries(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid('healthcheck', 'Healthcheck.Retries (--health-retries) must be an integer');
  if (value < 0) throw invalid('healthcheck', `Retries in Healthcheck cannot be negative (--health-retries): ${value}`);
  return value;
}

function test(value: unknown): string[] {
  const words = strings(value, 'Healthcheck.Test (--health-cmd)');
  const [kind, ...rest] = words;
  if (kind === undefined || kind === 'NONE') return words;
  if ((kind === 'CMD' || kind === 'CMD-SHELL') && rest.length > 0 && rest[0] !== '') return words;
  throw invalid('healthcheck', `Healthcheck.Test (--health-cmd) must be ["NONE"], ["CMD", command...] or ["CMD-SHELL", "command"]: got ${JSON.stringify(words).slice(0, 200)}`);
}

export function decodeHealthcheck(value: unknown): HealthConfig | undefined {
  if (value === undefined || value === null) return undefined;
  const raw = object(value, 'Healthcheck');
  if (Object.keys(raw).length === 0) return undefined;
  const [interval, timeout, startPeriod, startInterval] = DURATIONS.map(([field, flag]) => duration(raw, field, flag)) as [number, number, number, number];
  return { test: test(raw['Test']), interval, timeout, startPeriod, startInterval, retries: retries(raw['Retries']) };
}
