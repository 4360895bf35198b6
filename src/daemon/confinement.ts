/**
 * The daemon's confinement of containers, settled at start before anything is created: Docker's
 * default seccomp profile read from its file (a missing or bad file stops the daemon with a clear
 * message, unless the config says "unconfined" explicitly), whether the host has AppArmor, and
 * the architecture and kernel the profile's conditions are evaluated against.
 */
import { readFile } from 'node:fs/promises';
import { decodeSeccompProfile } from '../api/decode/seccomp-profile.js';
import { invalid } from '../errors/index.js';
import { appArmorEnabled, boundingCapabilities, kernelVersion, seccompArch } from '../kernel/linux/host-security.js';
import type { HostConfinement, SeccompProfile } from '../model/security.js';
import type { DaemonConfinement } from '../runtime/containers/confinement.js';
import { DOCKER_SECCOMP_PROFILE, type DaemonConfig } from './config.js';

export interface LoadedConfinement {
  /** What the runtime resolves each container's confinement with. */
  runtime: DaemonConfinement;
  /** What /info shows and container create checks against. */
  host: HostConfinement;
}

async function readProfile(path: string): Promise<SeccompProfile> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    const hint = path === DOCKER_SECCOMP_PROFILE ? 'install Debian\'s golang-github-docker-docker-dev (Docker\'s default profile), or ' : '';
    throw invalid('config', `cannot read the seccomp profile ${path}: ${error.code ?? error.message}; ${hint}set "seccomp-profile" in the daemon config to a profile file, or to "unconfined" to run containers without seccomp`);
  });
  try {
    return decodeSeccompProfile(text);
  } catch (error) {
    throw invalid('config', `the seccomp profile ${path} is not valid: ${(error as Error).message}`);
  }
}

export async function loadConfinement(config: Pick<DaemonConfig, 'seccompProfile'>, apparmorFile?: string): Promise<LoadedConfinement> {
  const unconfined = config.seccompProfile === 'unconfined';
  const seccompDefault = unconfined ? undefined : await readProfile(config.seccompProfile);
  const appArmor = await appArmorEnabled(apparmorFile);
  return {
    runtime: { ...(seccompDefault ? { seccompDefault } : {}), appArmor, host: { arch: seccompArch(), kernel: kernelVersion() }, bounding: await boundingCapabilities() },
    host: { appArmor, seccompProfile: unconfined ? '' : config.seccompProfile === DOCKER_SECCOMP_PROFILE ? 'default' : config.seccompProfile },
  };
}
