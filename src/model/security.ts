/**
 * Confinement of a container: Docker's seccomp profile format (moby profiles/seccomp, decoded and
 * checked at the API edge or from the daemon's profile file), the OCI `linux.seccomp` section it
 * becomes for one container, and what `--security-opt` asked for. Plain types.
 */

export const SECCOMP_ACTIONS = [
  'SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_TRAP', 'SCMP_ACT_ERRNO', 'SCMP_ACT_TRACE', 'SCMP_ACT_ALLOW', 'SCMP_ACT_LOG',
] as const;
export type SeccompAction = (typeof SECCOMP_ACTIONS)[number];

export const SECCOMP_OPERATORS = ['SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ'] as const;
export type SeccompOperator = (typeof SECCOMP_OPERATORS)[number];

export interface SeccompArg {
  index: number;
  value: number;
  valueTwo: number;
  op: SeccompOperator;
}

/** "4.8" -> { kernel: 4, major: 8 }: minor revisions and suffixes don't count (moby's KernelVersion). */
export interface KernelVersion {
  kernel: number;
  major: number;
}

/** When a rule applies: every listed cap present (includes) / any present (excludes), and so on. */
export interface SeccompCondition {
  /** Capability names as in the profile, e.g. "CAP_SYS_ADMIN". */
  caps: string[];
  /** libseccomp's native names: "amd64", "x86", "arm64", "s390x"... */
  arches: string[];
  minKernel?: KernelVersion;
}

export interface SeccompRule {
  names: string[];
  action: SeccompAction;
  errnoRet?: number;
  args: SeccompArg[];
  includes: SeccompCondition;
  excludes: SeccompCondition;
}

/** A Docker seccomp profile (default.json's format), decoded. */
export interface SeccompProfile {
  defaultAction: SeccompAction;
  defaultErrnoRet?: number;
  /** The old flat list; a profile has either this or archMap. */
  architectures: string[];
  archMap: Array<{ architecture: string; subArchitectures: string[] }>;
  syscalls: SeccompRule[];
}

/** The OCI runtime spec's `linux.seccomp` for one container. */
export interface OciSeccomp {
  defaultAction: SeccompAction;
  defaultErrnoRet?: number;
  architectures?: string[];
  syscalls: Array<{ names: string[]; action: SeccompAction; errnoRet?: number; args?: SeccompArg[] }>;
}

/** `--security-opt seccomp=…`: the daemon's default, none, or the profile the client sent. */
export type SeccompChoice = { mode: 'default' } | { mode: 'unconfined' } | { mode: 'profile'; profile: SeccompProfile };

/** What a container's `--security-opt` list asked for, decoded. */
export interface ContainerSecurity {
  seccomp: SeccompChoice;
  noNewPrivileges: boolean;
  /** `apparmor=NAME` (only accepted where AppArmor is enabled); absent: the daemon's default. */
  appArmorProfile?: string;
  /**
   * `--privileged`: every capability, no seccomp or AppArmor, no masked or read-only paths, /sys
   * read-write, the host's devices; still in namespaces of its own.
   */
  privileged?: boolean;
}

export const DEFAULT_SECURITY: ContainerSecurity = { seccomp: { mode: 'default' }, noNewPrivileges: false };

/** What this host and daemon confine containers with (`/info`'s SecurityOptions, decode checks). */
export interface HostConfinement {
  appArmor: boolean;
  /** "default" (Docker's profile), a profile file path, or "" when the daemon runs containers unconfined. */
  seccompProfile: string;
}
