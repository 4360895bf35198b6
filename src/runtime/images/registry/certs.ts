/**
 * Per-registry CA certificates as Docker finds them: `<dir>/HOST:PORT/` (the registry's name as
 * the reference spells it) under each configured certs directory, first match wins; skopeo takes the directory as
 * `--src-cert-dir` (its *.crt are CAs, *.cert/*.key a client certificate, Docker's layout).
 * Without a match skopeo gets an empty directory of the pull's own, so the machine's
 * /etc/containers/certs.d never applies behind the daemon's back.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

/** `domain` was checked by the reference parser: no '/' and no '..' can reach the path. */
export async function certDirFor(domain: string, certsDirs: readonly string[]): Promise<string | undefined> {
  if (domain.includes('/') || domain.startsWith('.')) return undefined;
  for (const root of certsDirs) {
    const dir = join(root, domain);
    if (await stat(dir).then((info) => info.isDirectory(), () => false)) return dir;
  }
  return undefined;
}
