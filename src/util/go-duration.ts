/**
 * Go's time.Duration as text: parsed as time.ParseDuration reads it ("1m30s", "500ms", "1.5h"),
 * printed as Duration.String() prints it ("1m30s", "500ms", "0s"). Durations are nanoseconds.
 * Docker's healthcheck options and messages use both forms.
 */
import { invalid } from '../errors/index.js';

const UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** time.ParseDuration; `what` names the value in the 400. Linear-time: one bounded regex per part. */
export function parseGoDuration(text: string, what: string): number {
  const fail = () => invalid('duration', `invalid duration for ${what}: "${text}"`);
  if (text.length === 0 || text.length > 64) throw fail();
  let rest = text;
  let sign = 1;
  if (rest[0] === '-' || rest[0] === '+') {
    sign = rest[0] === '-' ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  let total = 0;
  while (rest.length > 0) {
    const match = /^(\d*\.?\d*)(ns|us|µs|μs|ms|s|m|h)/.exec(rest);
    if (!match || match[1] === '' || match[1] === '.') throw fail();
    total += Number(match[1]) * (UNITS[match[2] ?? ''] ?? 0);
    rest = rest.slice(match[0].length);
  }
  return sign * Math.round(total);
}

/** Duration.String(): "1h2m3.5s", "1.5ms", "0s". */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  const abs = Math.abs(Math.round(ns));
  if (abs < 1e3) return `${sign}${abs}ns`;
  if (abs < 1e6) return `${sign}${fraction(abs, 1e3)}µs`;
  if (abs < 1e9) return `${sign}${fraction(abs, 1e6)}ms`;
  const hours = Math.floor(abs / 3600e9);
  const minutes = Math.floor((abs % 3600e9) / 60e9);
  const seconds = fraction(abs % 60e9, 1e9);
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}

/** value/unit with the fraction's trailing zeros dropped, exactly (no float rounding). */
function fraction(value: number, unit: number): string {
  const whole = Math.floor(value / unit);
  const digits = String(unit).length - 1;
  const rest = String(value % unit).padStart(digits, '0').replace(/0+$/, '');
  return rest === '' ? String(whole) : `${whole}.${rest}`;
}
