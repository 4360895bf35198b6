/** Log timestamps as `docker logs -t` prints them. */

/** Docker's `--timestamps` form: RFC 3339 in UTC with nanoseconds, e.g. 2024-01-02T03:04:05.123456789Z. */
export function dockerTimestamp(time: string): string {
  const match = /^(.*?T[\d:]+)(\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(time);
  if (!match) return time;
  const [, seconds = '', fraction = '', zone = 'Z'] = match;
  const nanos = (fraction.slice(1) + '000000000').slice(0, 9);
  if (zone === 'Z' || zone === '+00:00') return `${seconds}${'.' + nanos}Z`;
  const utc = new Date(Date.parse(`${seconds}${zone}`)).toISOString().slice(0, 19);
  return `${utc}.${nanos}Z`;
}

/** A log record's time in nanoseconds since the epoch (RFC 3339 with up to 9 fraction digits); undefined when unreadable. */
export function timestampNanos(time: string): bigint | undefined {
  const utc = dockerTimestamp(time);
  const match = /^(.*T[\d:]+)\.(\d{9})Z$/.exec(utc);
  const seconds = match ? Date.parse(`${match[1]}Z`) : NaN;
  if (!match || Number.isNaN(seconds)) return undefined;
  return BigInt(seconds) * 1_000_000n + BigInt(match[2] ?? '0');
}
