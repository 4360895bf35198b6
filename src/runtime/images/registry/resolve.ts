/**
 * Step one of a pull, before any progress is streamed (so its failures are plain HTTP errors, as
 * Docker's are): the manifest the reference names, fetched with `skopeo inspect --raw` and decoded;
 * an index or manifest list gives the host's platform's (or the requested one's) manifest, fetched
 * by digest. Everything the later steps need is fixed here: the image is then copied by this
 * manifest digest, so a tag moved mid-pull can't mix two images.
 */
import { EngineError } from '../../../errors/index.js';
import type { PullRequest } from '../../../model/registry.js';
import { familiarName, familiarString } from '../reference.js';
import { certDirFor } from './certs.js';
import { isInsecure } from './insecure.js';
import { badManifest, decodeManifest, type ImageManifest } from './manifest.js';
import type { RegistryOptions } from './options.js';
import { choosePlatform } from './platform.js';
import { registriesConf } from './registries-conf.js';
import { openSession, type SkopeoSession } from './session.js';
import { inspectArgv, runSkopeo, type SourceOptions } from './skopeo.js';
import { pullError, type ErrorContext } from './skopeo-errors.js';
import { parseMirror } from './options.js';

export interface ResolvedPull {
  request: PullRequest;
  /** `docker.io/library/nginx` as skopeo names it. */
  repository: string;
  manifest: ImageManifest;
  session: SkopeoSession;
  source: SourceOptions;
  context: ErrorContext;
}

/** Hosts the credentials are written for: the registry, and for docker.io its mirrors too. */
function authHosts(domain: string, options: RegistryOptions): string[] {
  if (domain !== 'docker.io') return [domain];
  return [domain, ...options.mirrors.map((url) => parseMirror(url)?.location).filter((host): host is string => host !== undefined)];
}

/** TLS verification: off for an insecure registry, registries.conf's call when mirrors apply, on otherwise. */
function tlsVerify(domain: string, options: RegistryOptions): boolean | undefined {
  if (isInsecure(domain, options.insecure)) return false;
  if (domain === 'docker.io' && options.mirrors.length > 0) return undefined;
  return true;
}

export async function openPullSession(request: PullRequest, options: RegistryOptions, workDir: string): Promise<{ session: SkopeoSession; source: SourceOptions }> {
  const { domain } = request.reference;
  const session = await openSession(workDir, registriesConf(options, domain), authHosts(domain, options), request.auth);
  const certDir = (await certDirFor(domain, options.certsDirs)) ?? session.emptyCerts;
  return { session, source: { certDir, tlsVerify: tlsVerify(domain, options), timeoutMs: options.timeoutMs } };
}

async function inspect(image: string, resolved: Pick<ResolvedPull, 'session' | 'source' | 'context'>, signal: AbortSignal): Promise<ReturnType<typeof decodeManifest>> {
  try {
    const result = await runSkopeo(inspectArgv(resolved.session, resolved.source, image), resolved.session, resolved.source.timeoutMs, signal);
    return decodeManifest(result.stdout);
  } catch (error) {
    throw pullError(error, resolved.context);
  }
}

/** A refused manifest's error names the image pulled, as the registry's own errors do. */
function namingImage(error: unknown, context: ErrorContext): unknown {
  if (!(error instanceof EngineError) || error.code !== 'bad-manifest') return error;
  return new EngineError(error.kind, error.code, `error pulling ${context.familiar}: ${error.message}`, { cause: error });
}

/** Opens the session and finds the manifest to copy; the caller disposes of `session`. */
export async function resolvePull(request: PullRequest, options: RegistryOptions, workDir: string, signal: AbortSignal): Promise<ResolvedPull> {
  const { reference } = request;
  const repository = `${reference.domain}/${reference.path}`;
  const context: ErrorContext = { familiar: familiarString(reference), name: familiarName(reference), domain: reference.domain, timeoutMs: options.timeoutMs };
  const { session, source } = await openPullSession(request, options, workDir);
  try {
    const named = reference.digest ? `${repository}@${reference.digest}` : `${repository}:${reference.tag ?? 'latest'}`;
    let found = await inspect(named, { session, source, context }, signal);
    if (reference.digest && found.digest !== reference.digest) throw badManifest(`the registry sent a manifest of digest ${found.digest}, not ${reference.digest}`);
    if (found.kind === 'index') {
      const entry = choosePlatform(found.manifests, request.platform);
      found = await inspect(`${repository}@${entry.digest}`, { session, source, context }, signal);
      if (found.kind !== 'manifest' || found.digest !== entry.digest) throw badManifest(`the manifest list's entry ${entry.digest} is not the manifest the registry sent`);
    }
    return { request, repository, manifest: found, session, source, context };
  } catch (error) {
    await session.dispose();
    throw namingImage(error, context);
  }
}
