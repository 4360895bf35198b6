/**
 * The HEALTHCHECK instruction of `docker import --change` (Dockerfile syntax):
 * `HEALTHCHECK NONE` or `HEALTHCHECK [--interval=D] [--timeout=D] [--start-period=D]
 * [--start-interval=D] [--retries=N] CMD command` (shell form: CMD-SHELL; JSON form: CMD).
 * Into the image config's wire shape, durations in nanoseconds. Pure.
 */
import { invalid } from '../../errors/index.js';
import type { ImageHealthcheck } from '../../model/image.js';
import { parseGoDuration } from '../../util/go-duration.js';

const DURATION_FLAGS: Record<string, 'Interval' | 'Timeout' | 'StartPeriod' | 'StartInterval'> = {
  interval: 'Interval', timeout: 'Timeout', 'start-period': 'StartPeriod', 'start-interval': 'StartInterval',
};

function applyFlag(healthcheck: ImageHealthcheck, name: string, value: string): void {
  const field = DURATION_FLAGS[name];
  if (field) {
    const ns = parseGoDuration(value, `HEALTHCHECK --${name}`);
    if (ns < 0) throw invalid('bad-change', `HEALTHCHECK --${name} cannot be negative: ${value}`);
    healthcheck[field] = ns;
    return;
  }
  if (name !== 'retries') throw invalid('bad-change', `HEALTHCHECK: unknown flag: --${name}`);
  if (!/^\d{1,9}$/.test(value)) throw invalid('bad-change', `HEALTHCHECK --retries must be a number: ${value}`);
  healthcheck.Retries = Number(value);
}

/** The CMD's words: a JSON array of strings is the exec form, anything else the shell form. */
function testOf(command: string): string[] {
  const trimmed = command.trim();
  if (trimmed === '') throw invalid('bad-change', 'HEALTHCHECK CMD requires a command');
  if (trimmed.startsWith('[')) {
    try {
      const parsed = JSON.parse(trimmed) as unknown;
      if (Array.isArray(parsed) && parsed.length > 0 && parsed.every((word) => typeof word === 'string')) return ['CMD', ...(parsed as string[])];
    } catch {
      // not JSON: the shell form, as Docker's parser falls back
    }
  }
  return ['CMD-SHELL', trimmed];
}

export function parseHealthcheckChange(rest: string): ImageHealthcheck {
  let text = rest.trim();
  const healthcheck: ImageHealthcheck = {};
  for (;;) {
    const flag = /^--([a-z-]+)=(\S*)\s*/.exec(text);
    if (!flag) break;
    applyFlag(healthcheck, flag[1] ?? '', flag[2] ?? '');
    text = text.slice(flag[0].length);
  }
  const kind = /^(\w+)\s*/.exec(text);
  const word = kind?.[1]?.toUpperCase();
  if (word === 'NONE') {
    if (Object.keys(healthcheck).length > 0 || text.slice(kind![0].length) !== '') throw invalid('bad-change', 'HEALTHCHECK NONE takes no other arguments');
    return { Test: ['NONE'] };
  }
  if (word !== 'CMD') throw invalid('bad-change', `HEALTHCHECK: unknown type "${kind?.[1] ?? text.slice(0, 20)}": CMD or NONE`);
  return { Test: testOf(text.slice(kind![0].length)), ...healthcheck };
}
