/**
 * A skopeo run's private files: a 0700 directory holding the 0600 auth file (credentials never
 * reach argv), the generated registries.conf, a policy.json accepting any image (digests are what
 * we check, not signatures), an empty certs directory for registries without one, and HOME/TMPDIR
 * for skopeo, so neither root's ~/.docker/config.json nor /etc/containers' auth or certs apply.
 * dispose() removes it all; callers run it in a finally.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RegistryAuth } from '../../../model/registry.js';

export interface SkopeoSession {
  dir: string;
  authFile: string;
  registriesConf: string;
  policy: string;
  emptyCerts: string;
  env: NodeJS.ProcessEnv;
  dispose(): Promise<void>;
}

/** The auth file (containers-auth.json(5)): one entry per host the credentials are for. */
export function authFileText(hosts: readonly string[], auth: RegistryAuth | undefined): string {
  const auths: Record<string, Record<string, string>> = {};
  if (auth && (auth.username !== undefined || auth.identityToken !== undefined)) {
    const pair = Buffer.from(`${auth.username ?? ''}:${auth.password ?? ''}`).toString('base64');
    for (const host of hosts) auths[host] = { auth: pair, ...(auth.identityToken ? { identitytoken: auth.identityToken } : {}) };
  }
  return JSON.stringify({ auths });
}

export async function openSession(parent: string, conf: string, authHosts: readonly string[], auth: RegistryAuth | undefined): Promise<SkopeoSession> {
  const dir = join(parent, `skopeo-${randomBytes(8).toString('hex')}`);
  await mkdir(parent, { recursive: true, mode: 0o700 });
  await mkdir(dir, { mode: 0o700 });
  const session: SkopeoSession = {
    dir,
    authFile: join(dir, 'auth.json'),
    registriesConf: join(dir, 'registries.conf'),
    policy: join(dir, 'policy.json'),
    emptyCerts: join(dir, 'certs'),
    env: { PATH: process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin', HOME: dir, XDG_RUNTIME_DIR: dir, XDG_CONFIG_HOME: dir, TMPDIR: join(dir, 'tmp') },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
  try {
    await mkdir(session.emptyCerts, { mode: 0o700 });
    await mkdir(join(dir, 'tmp'), { mode: 0o700 });
    await writeFile(session.authFile, authFileText(authHosts, auth), { mode: 0o600 });
    await writeFile(session.registriesConf, conf, { mode: 0o600 });
    await writeFile(session.policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }), { mode: 0o600 });
    return session;
  } catch (error) {
    await session.dispose();
    throw error;
  }
}
