/**
 * The lifecycle fields of create and update: HostConfig.RestartPolicy (Docker's checks and
 * messages, restart-policy.ts), Config.StopSignal (a signal Linux knows) and Config.StopTimeout
 * (whole seconds, or null for the default).
 */
import { invalid } from '../../errors/index.js';
import type { RestartPolicy } from '../../model/container.js';
import { validateRestartPolicy } from '../../engine/containers/restart-policy.js';
import { parseSignal } from '../../engine/containers/signals.js';
import { object, string } from './json.js';

/** The policy asked for; `{"Name":""}` (what the CLI sends without --restart) is "no". */
export function decodeRestartPolicy(value: unknown, autoRemove: boolean): RestartPolicy {
  const raw = object(value, 'HostConfig.RestartPolicy');
  const count = raw['MaximumRetryCount'] ?? 0;
  if (typeof count !== 'number' || !Number.isInteger(count)) throw invalid('request', 'RestartPolicy.MaximumRetryCount must be an integer');
  return validateRestartPolicy({ name: string(raw['Name'], 'RestartPolicy.Name'), maximumRetryCount: count }, autoRemove);
}

/** Config.StopSignal as given ("" when absent), refused when Linux has no such signal. */
export function decodeStopSignal(value: unknown): string {
  const signal = string(value, 'StopSignal');
  if (signal !== '') parseSignal(signal);
  return signal;
}

/** Config.StopTimeout: null when absent; whole seconds otherwise (negative: wait for ever). */
export function decodeStopTimeout(value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid('request', 'StopTimeout must be an integer number of seconds');
  return value;
}
