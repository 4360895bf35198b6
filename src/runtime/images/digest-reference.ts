/**
 * Digest references (`nginx@sha256:…`, `host:5000/team/app@sha256:…`): what RepoDigests hold and
 * what `docker tag`/`rmi`/`run` accept. The repository is normalised as a tag's is; a tag beside the
 * digest (`nginx:1.9@sha256:…`) is ignored, as Docker resolves by the digest.
 */
import { invalid } from '../../errors/index.js';
import { parseReference } from './reference.js';

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function isDigestReference(name: string): boolean {
  return name.includes('@');
}

/** `repo@sha256:<hex>` with the repository normalised; a bad digest is a 400. */
export function normalizeDigestReference(name: string): string {
  const at = name.indexOf('@');
  const digest = name.slice(at + 1);
  if (!DIGEST.test(digest)) throw invalid('bad-reference', 'invalid reference format');
  return `${parseReference(name.slice(0, at)).repository}@${digest}`;
}

/** The repository of a digest reference (`nginx@sha256:…` -> `nginx`). */
export function repositoryOf(reference: string): string {
  return reference.slice(0, reference.indexOf('@'));
}
