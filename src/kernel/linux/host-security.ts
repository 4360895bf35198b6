/**
 * What this host offers to confine containers with: whether AppArmor is enabled (as moby's
 * apparmor.IsEnabled reads it), the architecture under libseccomp's native name and the kernel
 * version, against which a seccomp profile's conditions are evaluated, and the capabilities in
 * the daemon's own bounding set (all a `--privileged` container can be given: a daemon that runs
 * without some, in a container or a VM sandbox, can't pass them on).
 */
import { readFile } from 'node:fs/promises';
import { arch, endianness, release } from 'node:os';
import { invalid } from '../../errors/index.js';
import { ALL_CAPABILITIES } from '../../model/capabilities.js';
import type { KernelVersion } from '../../model/security.js';

export const APPARMOR_ENABLED_FILE = '/sys/module/apparmor/parameters/enabled';

/** "Y" in the module's parameter; no such file: the kernel has no AppArmor. */
export async function appArmorEnabled(file = APPARMOR_ENABLED_FILE): Promise<boolean> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return 'N';
    throw error;
  });
  return text.trim().startsWith('Y');
}

/** Node's architecture -> libseccomp's native name (moby's goToNative), "" when unknown. */
export function seccompArch(nodeArch: string = arch(), endian: 'BE' | 'LE' = endianness()): string {
  const names: Record<string, string> = {
    x64: 'amd64', ia32: 'x86', arm: 'arm', arm64: 'arm64', s390: 's390', s390x: 's390x',
    ppc: 'ppc', ppc64: endian === 'LE' ? 'ppc64le' : 'ppc64', mips: 'mips', mipsel: 'mipsel',
  };
  return names[nodeArch] ?? '';
}

/** "6.1.0-18-amd64" -> 6.1 (minor revisions and suffixes don't count, as in moby). */
export function kernelVersion(text: string = release()): KernelVersion {
  const match = /^(\d+)\.(\d+)/.exec(text);
  if (!match) throw invalid('kernel-version', `cannot parse the kernel version ${JSON.stringify(text)}`);
  return { kernel: Number(match[1]), major: Number(match[2]) };
}

/** The capabilities of a CapBnd mask (hex, as /proc/PID/status shows it); the list's order is the kernel's numbering. */
export function capabilitiesOfMask(hex: string): string[] {
  const mask = BigInt(`0x${hex}`);
  return ALL_CAPABILITIES.filter((_name, bit) => ((mask >> BigInt(bit)) & 1n) === 1n);
}

/** The daemon's bounding set, from /proc/self/status; every capability when it can't be read. */
export async function boundingCapabilities(statusFile = '/proc/self/status'): Promise<string[]> {
  // No procfs (never on Linux): assume the full set, as a root daemon has.
  const text = await readFile(statusFile, 'utf8').catch(() => '');
  const match = /^CapBnd:\s*([0-9a-f]{1,16})$/m.exec(text);
  return match?.[1] ? capabilitiesOfMask(match[1]) : [...ALL_CAPABILITIES];
}
