/**
 * The path rules every mount shares, with Docker's messages (moby volume/mounts linux_parser.go):
 * a destination is absolute and not "/", a bind source is absolute; both are cleaned
 * (`/a//b/../c/` is `/a/c`). `where` names the request field in each 400.
 */
import { posix } from 'node:path';
import { invalid } from '../../errors/index.js';

/** Docker's errMountConfig: `invalid mount config for type "bind": …`, after the field it came from. */
export function mountConfigError(where: string, type: string, message: string): Error {
  return invalid('mount-config', `${where}: invalid mount config for type ${JSON.stringify(type.slice(0, 32))}: ${message}`);
}

const quoted = (path: string): string => `'${path.slice(0, 256)}'`;

function clean(path: string): string {
  const normalized = posix.normalize(path);
  return normalized.length > 1 && normalized.endsWith('/') ? normalized.slice(0, -1) : normalized;
}

/** A cleaned absolute path, or the 400; NUL bytes (which no path holds) are refused too. */
function absolute(path: string, where: string, type: string, what: string): string {
  if (path.includes('\0')) throw mountConfigError(where, type, `invalid ${what}: it contains a NUL byte`);
  if (!posix.isAbsolute(path)) throw mountConfigError(where, type, `invalid mount path: ${quoted(path)} mount path must be absolute`);
  return clean(path);
}

export function mountDestination(path: string, where: string, type: string): string {
  if (path === '') throw mountConfigError(where, type, 'field Target must not be empty');
  const destination = absolute(path, where, type, 'mount path');
  if (destination === '/') throw mountConfigError(where, type, "invalid specification: destination can't be '/'");
  return destination;
}

export function bindSource(path: string, where: string): string {
  if (path === '') throw mountConfigError(where, 'bind', 'field Source must not be empty');
  return absolute(path, where, 'bind', 'source path');
}
