/**
 * The skopeo commands a pull, a push and a login need, as argv arrays (spawned through src/exec
 * with deadlines): `inspect --raw` of a manifest, `copy` of one image by digest into an OCI layout
 * (blobs into a shared blob directory, each one digest-verified by skopeo while it streams), and
 * `login` to check credentials. Every run gets the session's registries.conf, policy, auth file and
 * certs directory (session.ts), and an environment with nothing of root's.
 * Why skopeo and not our own client: docs/images.md.
 */
import { run, type RunResult } from '../../../exec/index.js';
import type { SkopeoSession } from './session.js';

export const SKOPEO = 'skopeo';

export interface SourceOptions {
  /** The registry's certs directory (Docker's HOST:PORT/ca.crt), or the session's empty one. */
  certDir: string;
  /** true/false: `--src-tls-verify`; undefined: registries.conf decides (mirrors with their own setting). */
  tlsVerify: boolean | undefined;
  timeoutMs: number;
}

const seconds = (ms: number): string => `${Math.max(1, Math.ceil(ms / 1000))}s`;

function globalArgs(session: SkopeoSession, timeoutMs: number): string[] {
  return [SKOPEO, '--registries-conf', session.registriesConf, '--policy', session.policy, '--tmpdir', `${session.dir}/tmp`, '--command-timeout', seconds(timeoutMs)];
}

const tlsFlag = (flag: string, verify: boolean | undefined): string[] => (verify === undefined ? [] : [`${flag}=${verify}`]);

export function inspectArgv(session: SkopeoSession, source: SourceOptions, image: string): string[] {
  return [...globalArgs(session, source.timeoutMs), 'inspect', '--raw', '--retry-times', '0', '--authfile', session.authFile, '--cert-dir', source.certDir, ...tlsFlag('--tls-verify', source.tlsVerify), `docker://${image}`];
}

/** The config blob's bytes as the registry serves them (`inspect --config --raw`). */
export function configArgv(session: SkopeoSession, source: SourceOptions, image: string): string[] {
  return [...globalArgs(session, source.timeoutMs), 'inspect', '--config', '--raw', '--retry-times', '0', '--authfile', session.authFile, '--cert-dir', source.certDir, ...tlsFlag('--tls-verify', source.tlsVerify), `docker://${image}`];
}

export function copyArgv(session: SkopeoSession, source: SourceOptions, image: string, layout: string, sharedBlobs: string, commandTimeoutMs: number): string[] {
  return [
    ...globalArgs(session, commandTimeoutMs), 'copy', '--retry-times', '0',
    '--src-authfile', session.authFile, '--src-cert-dir', source.certDir, ...tlsFlag('--src-tls-verify', source.tlsVerify),
    // An uncompressed layer stays as served (skopeo would gzip it into an OCI layout: another digest).
    '--dest-shared-blob-dir', sharedBlobs, '--dest-oci-accept-uncompressed-layers',
    `docker://${image}`, `oci:${layout}:pulled`,
  ];
}

/**
 * `copy` of the push layout (push-layout.ts) to the registry: --preserve-digests so the manifest
 * and blobs go exactly as written (an uncompressed layer is not gzipped on the way), --debug
 * because its log lines are what push-progress.ts reads.
 */
export function pushArgv(session: SkopeoSession, dest: SourceOptions, layout: string, image: string, commandTimeoutMs: number): string[] {
  return [
    ...globalArgs(session, commandTimeoutMs), '--debug', 'copy', '--retry-times', '0', '--preserve-digests',
    '--dest-authfile', session.authFile, '--dest-cert-dir', dest.certDir, ...tlsFlag('--dest-tls-verify', dest.tlsVerify),
    layout, `docker://${image}`,
  ];
}

/**
 * `login` without a username: skopeo finds the credentials in the auth file and checks them
 * against the registry ("Existing credentials are valid"); with stdin empty, bad ones fail.
 */
export function loginArgv(session: SkopeoSession, source: SourceOptions, domain: string): string[] {
  return [...globalArgs(session, source.timeoutMs), 'login', '--authfile', session.authFile, '--cert-dir', source.certDir, ...tlsFlag('--tls-verify', source.tlsVerify), domain];
}

/** Runs a short skopeo command (inspect, login) under the registry timeout plus a margin. */
export function runSkopeo(argv: readonly string[], session: SkopeoSession, timeoutMs: number, signal?: AbortSignal): Promise<RunResult> {
  return run(argv, { env: session.env, timeoutMs: timeoutMs + 5_000, ...(signal ? { signal } : {}) });
}
