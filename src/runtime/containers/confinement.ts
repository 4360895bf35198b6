/**
 * How one container is confined, decided as Docker 20.10 decides it (moby oci/caps
 * TweakCapabilities, daemon/seccomp_linux.go, daemon/apparmor_default.go): its capabilities from
 * the default set and `--cap-add`/`--cap-drop`; its seccomp filter from the daemon's default
 * profile or the one it asked for, resolved against those capabilities; its AppArmor profile only
 * where the host has AppArmor (the default profile, or the one it asked for). Pure.
 */
import { ALL_CAPABILITIES, DEFAULT_CAPABILITIES, type CapabilityChanges } from '../../model/capabilities.js';
import type { ContainerSecurity, OciSeccomp, SeccompProfile } from '../../model/security.js';
import { ociSeccomp, type SeccompHost } from './seccomp.js';

/** The name of the AppArmor profile containers get by default where AppArmor is enabled. */
export const DEFAULT_APPARMOR_PROFILE = 'conet-default';

export interface DaemonConfinement {
  /** The daemon's default seccomp profile; undefined when it is configured `unconfined`. */
  seccompDefault?: SeccompProfile;
  /** AppArmor is enabled on this host. */
  appArmor: boolean;
  host: SeccompHost;
  /** The daemon's own bounding set: what a privileged container gets (absent: every capability). */
  bounding?: readonly string[];
}

export interface Confinement {
  capabilities: string[];
  /** `--privileged`: the spec also drops masked/read-only paths, mounts /sys read-write and gives the host's devices. */
  privileged?: boolean;
  seccomp?: OciSeccomp;
  appArmorProfile?: string;
  noNewPrivileges: boolean;
}

/** moby's TweakCapabilities: ALL in add = every cap but the dropped; ALL in drop = only the added. */
export function effectiveCapabilities(changes: CapabilityChanges): string[] {
  const { add, drop } = changes;
  if (add.includes('ALL')) return ALL_CAPABILITIES.filter((cap) => !drop.includes(cap));
  if (drop.includes('ALL')) return [...new Set(add)];
  const kept = DEFAULT_CAPABILITIES.filter((cap) => !drop.includes(cap));
  return [...new Set([...kept, ...add])];
}

/** Docker's choice: the profile asked for, else (not unconfined) the daemon's default. */
function seccompFor(security: ContainerSecurity, capabilities: readonly string[], daemon: DaemonConfinement): OciSeccomp | undefined {
  const { seccomp } = security;
  if (seccomp.mode === 'unconfined') return undefined;
  const profile = seccomp.mode === 'profile' ? seccomp.profile : daemon.seccompDefault;
  return profile ? ociSeccomp(profile, capabilities, daemon.host) : undefined;
}

/** With AppArmor: the asked-for profile or the default; without: none (the API refuses asking). */
export function appArmorProfileFor(security: ContainerSecurity, appArmor: boolean): string | undefined {
  if (!appArmor) return undefined;
  return security.appArmorProfile ?? DEFAULT_APPARMOR_PROFILE;
}

/**
 * `--privileged` as Docker's: every capability whatever --cap-add/--cap-drop say (TweakCapabilities;
 * every one the daemon itself has: the kernel refuses to grant more),
 * no seccomp filter, AppArmor "unconfined" where the host has AppArmor; no-new-privileges as asked.
 */
function privilegedConfinement(security: ContainerSecurity, daemon: DaemonConfinement): Confinement {
  const capabilities = ALL_CAPABILITIES.filter((cap) => daemon.bounding?.includes(cap) ?? true);
  return { capabilities, privileged: true, ...(daemon.appArmor ? { appArmorProfile: 'unconfined' } : {}), noNewPrivileges: security.noNewPrivileges };
}

export function confinementOf(security: ContainerSecurity, changes: CapabilityChanges, daemon: DaemonConfinement): Confinement {
  if (security.privileged) return privilegedConfinement(security, daemon);
  const capabilities = effectiveCapabilities(changes);
  const seccomp = seccompFor(security, capabilities, daemon);
  const appArmorProfile = appArmorProfileFor(security, daemon.appArmor);
  return {
    capabilities,
    ...(seccomp ? { seccomp } : {}),
    ...(appArmorProfile ? { appArmorProfile } : {}),
    noNewPrivileges: security.noNewPrivileges,
  };
}
