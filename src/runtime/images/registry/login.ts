/**
 * `POST /auth` (docker login): the credentials go into a throwaway 0600 auth file and
 * `skopeo login` checks them against the registry without a username in argv (skopeo's
 * "existing credentials" path). skopeo then says only that they are invalid, so a failure is
 * told apart by an anonymous `inspect` of a probe name: a registry that answers (with any
 * registry error) refused the credentials -> 401 in Docker's words; one that doesn't answer ->
 * 500 with the Get that failed. Nothing is kept: the CLI stores the credentials, not the daemon.
 */
import { EngineError, system } from '../../../errors/index.js';
import { ExecError } from '../../../exec/index.js';
import type { LoginRequest } from '../../../model/registry.js';
import type { RegistryOptions } from './options.js';
import { openPullSession } from './resolve.js';
import { inspectArgv, loginArgv, runSkopeo } from './skopeo.js';
import { skopeoMessage } from './skopeo-errors.js';

/** `https://index.docker.io/v1/`, `HOST:PORT`, `https://HOST:PORT` -> the registry's domain. */
export function loginDomain(serverAddress: string): string {
  const host = serverAddress.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  if (host === '' || host === 'index.docker.io' || host === 'registry-1.docker.io') return 'docker.io';
  return host;
}

async function reachable(request: LoginRequest, domain: string, options: RegistryOptions, workDir: string): Promise<string | undefined> {
  const { session, source } = await openPullSession({ reference: { domain, path: 'conet-login-probe', tag: 'latest' } }, options, workDir);
  try {
    await runSkopeo(inspectArgv(session, source, `${domain}/conet-login-probe:latest`), session, source.timeoutMs);
    return undefined;
  } catch (error) {
    const message = error instanceof ExecError ? skopeoMessage(error.stderr) : String(error);
    if (/pinging container registry|Get "|dial tcp|timeout|deadline|certificate|x509|tls:/i.test(message) && !/unauthorized|denied|manifest unknown|name unknown/i.test(message)) {
      return /Get "[^"]*": .*/s.exec(message)?.[0] ?? message;
    }
    void request;
    return undefined;
  } finally {
    await session.dispose();
  }
}

export async function login(request: LoginRequest, options: RegistryOptions, workDir: string): Promise<void> {
  const domain = loginDomain(request.serverAddress);
  const auth = { username: request.username, password: request.password };
  const { session, source } = await openPullSession({ reference: { domain, path: 'conet-login-probe', tag: 'latest' }, auth }, options, workDir);
  try {
    await runSkopeo(loginArgv(session, source, domain), session, source.timeoutMs);
    return;
  } catch (error) {
    if (!(error instanceof ExecError)) throw error;
  } finally {
    await session.dispose();
  }
  const unreachable = await reachable(request, domain, options, workDir);
  if (unreachable) throw system('registry-unreachable', unreachable);
  throw new EngineError('unauthorized', 'login-failed', `login attempt to https://${domain}/v2/ failed with status: 401 Unauthorized`);
}
