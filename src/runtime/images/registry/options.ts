/**
 * The daemon's registry configuration as the pull sees it (checked by daemon/config.ts first):
 * Docker's `registry-mirrors` (for docker.io only, as Docker), `insecure-registries` (HOST[:PORT]
 * or CIDR; 127.0.0.0/8 is always insecure, as in Docker), the per-request deadline
 * `registry-timeout`, and the directories searched for `HOST:PORT/ca.crt` (Docker's
 * /etc/docker/certs.d and /etc/conet/certs.d by default).
 */
export interface RegistryOptions {
  /** `http://HOST[:PORT]` or `https://HOST[:PORT]`, tried in order before docker.io. */
  mirrors: readonly string[];
  insecure: readonly string[];
  timeoutMs: number;
  certsDirs: readonly string[];
}

export const DEFAULT_REGISTRY_OPTIONS: RegistryOptions = {
  mirrors: [],
  insecure: [],
  timeoutMs: 30_000,
  certsDirs: ['/etc/docker/certs.d', '/etc/conet/certs.d'],
};

/** A mirror URL split: its `HOST[:PORT]` and whether it speaks plain HTTP. */
export interface Mirror {
  location: string;
  plainHttp: boolean;
}

const MIRROR = /^(https?):\/\/([A-Za-z0-9.-]{1,253}(?::[0-9]{1,5})?|\[[0-9A-Fa-f:]{2,39}\](?::[0-9]{1,5})?)\/?$/;

/** Docker's mirror check: a scheme, a host and at most a trailing '/'; undefined if not one. */
export function parseMirror(url: string): Mirror | undefined {
  const match = MIRROR.exec(url);
  if (!match) return undefined;
  return { location: match[2]!, plainHttp: match[1] === 'http' };
}
