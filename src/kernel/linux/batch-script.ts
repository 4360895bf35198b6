/**
 * The last guard between values and an `ip -batch` / `bridge -batch` script, behind the typed
 * values (util/kernel-values.ts). iproute2 splits a batch line on whitespace, honours '"' and '\''
 * quotes, cuts at '#', and joins a line ending in '\' with the next: a value holding any of these,
 * or a newline, could add a command run as root. Renderers build lines with `batchLine`, which
 * refuses such a value where one token is expected, so even a value that slipped past its type
 * can't become a second command (defence in depth).
 */
import { system } from '../../errors/index.js';

/** Whitespace (any, Unicode included), ';', quotes, '#', backslash, NUL. */
const UNSAFE_IN_TOKEN = /[\s;"'#\\\0]/u;
/** Inside a quoted token only the quote itself, '#', backslash, line breaks and NUL are special. */
const UNSAFE_IN_QUOTED = /["'#\\\0\n\r\u2028\u2029]/u;

/** A value the renderer puts inside double quotes (link aliases). */
export interface QuotedToken {
  readonly quoted: string;
}

export const quoted = (value: string): QuotedToken => ({ quoted: value });

function refuse(value: string): Error {
  return system('kernel-unsafe-token', `refusing to put ${JSON.stringify(value.slice(0, 64))} into an ip batch script: not a single token`);
}

function render(value: string | number | QuotedToken): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw refuse(String(value));
    return String(value);
  }
  if (typeof value === 'string') {
    if (value === '' || UNSAFE_IN_TOKEN.test(value)) throw refuse(value);
    return value;
  }
  if (UNSAFE_IN_QUOTED.test(value.quoted)) throw refuse(value.quoted);
  return `"${value.quoted}"`;
}

/** Tagged template: the literal parts are the renderer's own, every interpolated value must be one token. */
export function batchLine(parts: TemplateStringsArray, ...values: ReadonlyArray<string | number | QuotedToken>): string {
  let line = parts[0] ?? '';
  values.forEach((value, index) => {
    line += render(value) + (parts[index + 1] ?? '');
  });
  return line;
}

/** Lines to one script; a line holding a line break or NUL (a renderer bug) is refused. */
export function batchScript(lines: readonly string[]): string {
  for (const line of lines) if (/[\n\r\0\u2028\u2029]/u.test(line)) throw refuse(line);
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
