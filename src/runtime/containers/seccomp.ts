/**
 * A Docker seccomp profile made into the OCI `linux.seccomp` of one container, as moby's
 * setupSeccomp does it (profiles/seccomp/seccomp_linux.go, 20.10): the host's architecture and
 * its sub-architectures from archMap, then each rule kept or left out by its conditions, which are
 * evaluated against THIS container's bounding capabilities, the host's architecture (libseccomp's
 * native name) and kernel version. So `--cap-add SYS_ADMIN` brings back unshare, mount, setns...
 * exactly where Docker's profile says so. Pure.
 */
import type { KernelVersion, OciSeccomp, SeccompCondition, SeccompProfile } from '../../model/security.js';

export interface SeccompHost {
  /** libseccomp's native name of the host architecture: "amd64", "arm64", "x86"... */
  arch: string;
  kernel: KernelVersion;
}

/** libseccomp native name -> the profile's SCMP_ARCH_* name (moby's nativeToSeccomp). */
const NATIVE_TO_SECCOMP: Record<string, string> = {
  x86: 'SCMP_ARCH_X86', amd64: 'SCMP_ARCH_X86_64', arm: 'SCMP_ARCH_ARM', arm64: 'SCMP_ARCH_AARCH64',
  mips64: 'SCMP_ARCH_MIPS64', mips64n32: 'SCMP_ARCH_MIPS64N32', mipsel64: 'SCMP_ARCH_MIPSEL64', mips3l64n32: 'SCMP_ARCH_MIPSEL64N32',
  mipsle: 'SCMP_ARCH_MIPSEL', ppc: 'SCMP_ARCH_PPC', ppc64: 'SCMP_ARCH_PPC64', ppc64le: 'SCMP_ARCH_PPC64LE',
  s390: 'SCMP_ARCH_S390', s390x: 'SCMP_ARCH_S390X',
};

const atLeast = (host: KernelVersion, min: KernelVersion): boolean =>
  host.kernel > min.kernel || (host.kernel === min.kernel && host.major >= min.major);

/** Excluded when the host is of an excluded arch, has ANY excluded cap, or a kernel at least minKernel. */
function excluded(condition: SeccompCondition, caps: ReadonlySet<string>, host: SeccompHost): boolean {
  if (condition.arches.includes(host.arch)) return true;
  if (condition.caps.some((cap) => caps.has(cap))) return true;
  return condition.minKernel !== undefined && atLeast(host.kernel, condition.minKernel);
}

/** Included when every condition holds: an included arch, ALL included caps, a kernel at least minKernel. */
function included(condition: SeccompCondition, caps: ReadonlySet<string>, host: SeccompHost): boolean {
  if (condition.arches.length > 0 && !condition.arches.includes(host.arch)) return false;
  if (!condition.caps.every((cap) => caps.has(cap))) return false;
  return condition.minKernel === undefined || atLeast(host.kernel, condition.minKernel);
}

function architectures(profile: SeccompProfile, host: SeccompHost): string[] {
  if (profile.architectures.length > 0) return [...profile.architectures];
  const native = NATIVE_TO_SECCOMP[host.arch];
  const entry = profile.archMap.find((candidate) => candidate.architecture === native);
  return entry ? [entry.architecture, ...entry.subArchitectures] : [];
}

/** `capabilities`: the container's bounding set, e.g. ["CAP_CHOWN", ...]. */
export function ociSeccomp(profile: SeccompProfile, capabilities: readonly string[], host: SeccompHost): OciSeccomp {
  const caps = new Set(capabilities);
  const arches = architectures(profile, host);
  const syscalls = profile.syscalls
    .filter((rule) => !excluded(rule.excludes, caps, host) && included(rule.includes, caps, host))
    .map((rule) => ({
      names: [...rule.names],
      action: rule.action,
      ...(rule.errnoRet !== undefined ? { errnoRet: rule.errnoRet } : {}),
      ...(rule.args.length > 0 ? { args: rule.args.map((arg) => ({ ...arg })) } : {}),
    }));
  return {
    defaultAction: profile.defaultAction,
    ...(profile.defaultErrnoRet !== undefined ? { defaultErrnoRet: profile.defaultErrnoRet } : {}),
    // None listed: libseccomp takes the native architecture alone.
    ...(arches.length > 0 ? { architectures: arches } : {}),
    syscalls,
  };
}
