/** CNI spec versions conet speaks, and the choice of version for a request. */
import { CNI_CODES, cniError } from './cni-error.js';

export const SUPPORTED_VERSIONS = ['0.4.0', '1.0.0', '1.1.0'] as const;
export type CniVersion = (typeof SUPPORTED_VERSIONS)[number];
export const LATEST: CniVersion = '1.1.0';

export function isSupported(version: string): version is CniVersion {
  return (SUPPORTED_VERSIONS as readonly string[]).includes(version);
}

/** The configuration's version if conet speaks it; error 1 otherwise. */
export function negotiate(version: unknown): CniVersion {
  if (typeof version !== 'string' || version === '') throw cniError(CNI_CODES.invalidConfig, 'cniVersion must be a non-empty string');
  if (!isSupported(version)) {
    throw cniError(CNI_CODES.incompatibleVersion, `incompatible CNI versions: config is "${version.slice(0, 32)}", plugin supports ${JSON.stringify(SUPPORTED_VERSIONS)}`);
  }
  return version;
}

/** The VERSION verb's answer. */
export function versionResult(requested: string): string {
  return JSON.stringify({ cniVersion: isSupported(requested) ? requested : LATEST, supportedVersions: SUPPORTED_VERSIONS });
}
