/**
 * The registry options of the daemon (Docker's names): `registry-mirrors` and
 * `insecure-registries` in the config file or as repeated `--registry-mirror` /
 * `--insecure-registry` flags (one directive in both places is refused, as dockerd does), and
 * conet's `registry-timeout` (seconds, or a Go duration like "30s"; default 30 s) and `certs-dirs`
 * (where `HOST:PORT/ca.crt` is looked for; default /etc/docker/certs.d and /etc/conet/certs.d).
 */
import { invalid } from '../errors/index.js';
import { parseMirror, validInsecureEntry, DEFAULT_REGISTRY_OPTIONS, type RegistryOptions } from '../runtime/images/registry/index.js';
import { parseGoDuration } from '../util/go-duration.js';

export const REGISTRY_FILE_KEYS = ['registry-mirrors', 'insecure-registries', 'registry-timeout', 'certs-dirs'] as const;

export interface RegistryFlags {
  registryMirrors?: string[];
  insecureRegistries?: string[];
  registryTimeout?: string;
  certsDirs?: string[];
}

function list(value: unknown, key: string): string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string') || value.length > 100) throw invalid('config', `${key} must be a list of strings`);
  return value as string[];
}

function checkMirrors(mirrors: string[]): string[] {
  for (const mirror of mirrors) {
    if (!parseMirror(mirror)) throw invalid('config', `invalid mirror ${JSON.stringify(mirror)}: expected http://HOST[:PORT] or https://HOST[:PORT] without a path`);
  }
  return mirrors.map((mirror) => mirror.replace(/\/$/, ''));
}

function checkInsecure(entries: string[]): string[] {
  for (const entry of entries) {
    if (entry.includes('://')) throw invalid('config', `insecure registry ${JSON.stringify(entry)} should not contain '://'`);
    if (!validInsecureEntry(entry)) throw invalid('config', `invalid insecure registry ${JSON.stringify(entry)}: expected HOST[:PORT] or a CIDR`);
  }
  return entries;
}

function timeoutMs(value: unknown): number {
  const ms = typeof value === 'number' ? value * 1000 : typeof value === 'string' ? (/^\d+$/.test(value) ? Number(value) * 1000 : parseGoDuration(value, 'registry-timeout') / 1e6) : NaN;
  if (!(ms >= 1000 && ms <= 3_600_000)) throw invalid('config', `invalid registry-timeout ${JSON.stringify(value)}: expected 1 to 3600 seconds (a number, or a duration like "30s")`);
  return Math.round(ms);
}

function pick<T>(key: string, fromFlag: T | undefined, fromFile: T | undefined): T | undefined {
  if (fromFlag !== undefined && fromFile !== undefined) {
    throw invalid('config', `the following directives are specified both as a flag and in the configuration file: ${key}: (from flag: ${JSON.stringify(fromFlag)}, from file: ${JSON.stringify(fromFile)})`);
  }
  return fromFlag ?? fromFile;
}

/** The registry options from the config file's keys and the flags, checked. */
export function registryOptions(file: Record<string, unknown>, flags: RegistryFlags): RegistryOptions {
  const mirrors = pick('registry-mirrors', flags.registryMirrors, file['registry-mirrors'] === undefined ? undefined : list(file['registry-mirrors'], 'registry-mirrors'));
  const insecure = pick('insecure-registries', flags.insecureRegistries, file['insecure-registries'] === undefined ? undefined : list(file['insecure-registries'], 'insecure-registries'));
  const timeout = pick<unknown>('registry-timeout', flags.registryTimeout, file['registry-timeout']);
  const certs = pick('certs-dirs', flags.certsDirs, file['certs-dirs'] === undefined ? undefined : list(file['certs-dirs'], 'certs-dirs'));
  if (certs?.some((dir) => !dir.startsWith('/'))) throw invalid('config', 'certs-dirs must be absolute paths');
  return {
    mirrors: mirrors ? checkMirrors(mirrors) : DEFAULT_REGISTRY_OPTIONS.mirrors,
    insecure: insecure ? checkInsecure(insecure) : DEFAULT_REGISTRY_OPTIONS.insecure,
    timeoutMs: timeout === undefined ? DEFAULT_REGISTRY_OPTIONS.timeoutMs : timeoutMs(timeout),
    certsDirs: certs ?? DEFAULT_REGISTRY_OPTIONS.certsDirs,
  };
}
