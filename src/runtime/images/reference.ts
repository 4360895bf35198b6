/** Image references as the docker CLI sends them: `name`, `name:tag`, `docker.io/library/name`, ids. */
import { invalid } from '../../errors/index.js';

export interface ImageReference {
  repository: string;
  tag: string;
}

const NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/** Splits off the tag (the part after the last ':' that is not inside a registry host:port). */
export function parseReference(text: string, defaultTag = 'latest'): ImageReference {
  let name = text;
  let tag = defaultTag;
  const slash = text.lastIndexOf('/');
  const colon = text.lastIndexOf(':');
  if (colon > slash) {
    name = text.slice(0, colon);
    tag = text.slice(colon + 1);
  }
  name = name.replace(/^(?:docker\.io|index\.docker\.io)\//, '').replace(/^library\//, '');
  if (!NAME.test(name)) throw invalid('bad-reference', `invalid reference format: repository name must be lowercase`);
  if (!TAG.test(tag)) throw invalid('bad-reference', `invalid reference format`);
  return { repository: name, tag };
}

export function formatReference(reference: ImageReference): string {
  return `${reference.repository}:${reference.tag}`;
}

/** `sha256:<64 hex>` or a hex prefix of at least 4 characters (Docker's short ids). */
export function looksLikeId(text: string): boolean {
  return /^sha256:[0-9a-f]{4,64}$/.test(text) || /^[0-9a-f]{4,64}$/.test(text);
}
