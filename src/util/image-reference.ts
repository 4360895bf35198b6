/**
 * Image references as Docker normalises them (distribution/reference's ParseNormalizedNamed):
 * `nginx` is docker.io/library/nginx, `user/repo` docker.io/user/repo; the first component is a
 * registry when it has a '.' or ':', is `localhost` or has capitals; `index.docker.io` is
 * docker.io. Local tags keep Docker's familiar form (`nginx:1.9.1`,
 * `HOST:PORT/library/nginx:1.9.1`). Components are checked one by one with small anchored
 * patterns (no backtracking over the whole text), and the text is bounded first. Pure, in util/
 * so the API decodes a reference at its edge and the image runtime uses the same grammar.
 */
import { invalid } from '../errors/index.js';
import type { RegistryReference } from '../model/registry.js';

export type { RegistryReference };

export interface ImageReference {
  repository: string;
  tag: string;
}

export const DEFAULT_DOMAIN = 'docker.io';
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const PORT = /^[0-9]+$/;
const IPV6_HOST = /^\[[a-fA-F0-9:]+\]$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const MAX_TEXT = 1024;
const MAX_NAME = 255;

const badFormat = (detail?: string): Error => invalid('bad-reference', detail ? `invalid reference format: ${detail}` : 'invalid reference format');

/** `host`, `host:port`, `[v6]:port`: Docker's domain grammar. */
function validDomain(domain: string): boolean {
  const v6 = /^(\[[^\]]*\])(?::([^:]*))?$/.exec(domain);
  if (v6) return IPV6_HOST.test(v6[1]!) && (v6[2] === undefined || PORT.test(v6[2]));
  const [host, port, ...rest] = domain.split(':');
  if (rest.length > 0 || (port !== undefined && !PORT.test(port))) return false;
  return host!.split('.').every((part) => DOMAIN_COMPONENT.test(part));
}

/** distribution's splitDockerDomain. */
function splitDomain(name: string): { domain: string; remainder: string } {
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const isDomain = slash !== -1 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first);
  let domain = isDomain ? first : DEFAULT_DOMAIN;
  let remainder = isDomain ? name.slice(slash + 1) : name;
  if (domain === 'index.docker.io') domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = `library/${remainder}`;
  return { domain, remainder };
}

/** Splits `name[:tag][@digest]`; the tag's ':' is the last one after the last '/'. */
function splitTagDigest(text: string): { name: string; tag?: string; digest?: string } {
  const at = text.indexOf('@');
  const digest = at === -1 ? undefined : text.slice(at + 1);
  const named = at === -1 ? text : text.slice(0, at);
  const colon = named.lastIndexOf(':');
  const hasTag = colon > named.lastIndexOf('/');
  return { name: hasTag ? named.slice(0, colon) : named, ...(hasTag ? { tag: named.slice(colon + 1) } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** Docker's ParseNormalizedNamed: a 400 `invalid reference format…` for anything else. */
export function parseRegistryReference(text: string): RegistryReference {
  if (text.length === 0 || text.length > MAX_TEXT) throw badFormat();
  if (/^[0-9a-f]{64}$/.test(text)) throw invalid('bad-reference', `invalid repository name (${text}), cannot specify 64-byte hexadecimal strings`);
  const { name, tag, digest } = splitTagDigest(text);
  const { domain, remainder } = splitDomain(name);
  if (!validDomain(domain)) throw badFormat();
  const components = remainder.split('/');
  if (!components.every((part) => PATH_COMPONENT.test(part))) {
    if (components.every((part) => PATH_COMPONENT.test(part.toLowerCase()))) throw badFormat(`repository name (${remainder}) must be lowercase`);
    throw badFormat();
  }
  if (domain.length + 1 + remainder.length > MAX_NAME) throw badFormat(`repository name must not be more than ${MAX_NAME} characters`);
  if (tag !== undefined && !TAG.test(tag)) throw badFormat();
  if (digest !== undefined && !DIGEST.test(digest)) throw badFormat();
  return { domain, path: remainder, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** `nginx`, `user/repo`, `HOST:PORT/library/nginx`: the name as Docker shows it. */
export function familiarName(reference: RegistryReference): string {
  if (reference.domain !== DEFAULT_DOMAIN) return `${reference.domain}/${reference.path}`;
  return reference.path.startsWith('library/') && reference.path.split('/').length === 2 ? reference.path.slice('library/'.length) : reference.path;
}

/** `nginx:1.9.1`, `nginx@sha256:…`, `nginx:1.9.1@sha256:…`. */
export function familiarString(reference: RegistryReference): string {
  return `${familiarName(reference)}${reference.tag !== undefined ? `:${reference.tag}` : ''}${reference.digest !== undefined ? `@${reference.digest}` : ''}`;
}

/** The reference with `latest` when it names neither a tag nor a digest (Docker's TagNameOnly). */
export function withDefaultTag(reference: RegistryReference): RegistryReference {
  return reference.tag === undefined && reference.digest === undefined ? { ...reference, tag: 'latest' } : reference;
}

/**
 * `POST /images/create?fromImage=&tag=`: the tag parameter may be a tag or a digest (the CLI sends
 * `tag=sha256:…` for `docker pull repo@sha256:…`) and replaces what fromImage names (moby's
 * WithTag/WithDigest on the trimmed name); empty means fromImage's own, or latest.
 */
export function pullReference(fromImage: string, tag: string): RegistryReference {
  const base = parseRegistryReference(fromImage);
  if (tag === '') return withDefaultTag(base);
  const name = { domain: base.domain, path: base.path };
  if (DIGEST.test(tag)) return { ...name, digest: tag };
  if (!TAG.test(tag)) throw badFormat();
  return { ...name, tag };
}

/** A local tag's reference (`name` or `name:tag`, latest by default), in familiar form; no digests. */
export function parseReference(text: string, defaultTag = 'latest'): ImageReference {
  const reference = parseRegistryReference(text);
  if (reference.digest !== undefined) throw badFormat();
  return { repository: familiarName(reference), tag: reference.tag ?? defaultTag };
}

export function formatReference(reference: ImageReference): string {
  return `${reference.repository}:${reference.tag}`;
}

/** `sha256:<64 hex>` or a hex prefix of at least 4 characters (Docker's short ids). */
export function looksLikeId(text: string): boolean {
  return /^sha256:[0-9a-f]{4,64}$/.test(text) || /^[0-9a-f]{4,64}$/.test(text);
}
