/**
 * API version negotiation as dockerd does it: paths may carry /vX.Y, checked against our range.
 * We serve up to 1.50 (the docker CLI 28.2's own version) and down to 1.24 (dockerd 28's
 * minimum); renders whose shape changed between versions ask `atLeast(version, …)`
 * (docs/api-versions.md lists each change).
 */
import { invalid } from '../errors/index.js';

export const API_VERSION = '1.50';
export const MIN_API_VERSION = '1.24';
export const ENGINE_VERSION = '28.2.0+conet.0.1.0';

function compare(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

/** True when the negotiated `version` is `minimum` or newer. */
export function atLeast(version: string, minimum: string): boolean {
  return compare(version, minimum) >= 0;
}

/** Splits "/v1.41/networks" into version and path; a path without version uses ours. */
export function splitVersion(pathname: string): { version: string; path: string } {
  const match = /^\/v(\d+\.\d+)(\/.*)?$/.exec(pathname);
  if (!match) return { version: API_VERSION, path: pathname };
  const version = match[1] ?? API_VERSION;
  if (compare(version, API_VERSION) > 0) {
    throw invalid('api-version', `client version ${version} is too new. Maximum supported API version is ${API_VERSION}`);
  }
  if (compare(version, MIN_API_VERSION) < 0) {
    throw invalid('api-version', `client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`);
  }
  return { version, path: match[2] ?? '/' };
}
