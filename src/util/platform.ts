/**
 * Platforms as Docker spells them: the host's (Node's arch names in Go's spelling) and
 * `platform=os/arch[/variant]` of a pull request, with Docker's aliases (x86_64, aarch64, armhf).
 */
import { invalid } from '../errors/index.js';
import type { Platform } from '../model/registry.js';

const GO_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
export const DEFAULT_VARIANT: Readonly<Record<string, string>> = { arm64: 'v8', arm: 'v7' };
const PART = /^[a-z0-9_]{1,32}$/;

export function hostPlatform(arch: string = process.arch): Platform {
  const architecture = GO_ARCH[arch] ?? arch;
  const variant = DEFAULT_VARIANT[architecture];
  return { os: 'linux', architecture, ...(variant ? { variant } : {}) };
}

/** Docker's normalisation of common architecture aliases. */
export function normaliseArch(architecture: string, variant: string | undefined): { architecture: string; variant?: string } {
  switch (architecture) {
    case 'x86_64':
    case 'x86-64':
      return { architecture: 'amd64' };
    case 'aarch64':
      return { architecture: 'arm64', ...(variant ? { variant } : {}) };
    case 'armhf':
      return { architecture: 'arm', variant: 'v7' };
    case 'armel':
      return { architecture: 'arm', variant: 'v6' };
    default:
      return { architecture, ...(variant ? { variant } : {}) };
  }
}

/** `linux`, `linux/amd64`, `linux/arm64/v8`; empty means the host's (undefined). A 400 otherwise. */
export function parsePlatform(text: string): Platform | undefined {
  if (text === '') return undefined;
  const parts = text.toLowerCase().split('/');
  if (parts.length > 3 || !parts.every((part) => PART.test(part))) throw invalid('bad-platform', `"${text.slice(0, 100)}": unknown operating system or architecture: invalid argument`);
  const [os, arch, variant] = parts as [string, string | undefined, string | undefined];
  if (os !== 'linux') throw invalid('bad-platform', `"${text.slice(0, 100)}": operating system is not supported`);
  if (arch === undefined) return hostPlatform();
  return { os, ...normaliseArch(arch, variant) };
}

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter((part) => part !== undefined).join('/');
}
