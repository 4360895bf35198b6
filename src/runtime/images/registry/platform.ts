/**
 * The choice of one manifest from an image index, as containerd's platform matcher makes it: same
 * os and architecture; a requested variant must match, and with none requested (or the
 * architecture's default, arm64 -> v8) an entry with the default variant or none wins.
 */
import { notFound } from '../../../errors/index.js';
import type { Platform } from '../../../model/registry.js';
import { DEFAULT_VARIANT, formatPlatform, hostPlatform, normaliseArch } from '../../../util/platform.js';
import type { IndexEntry } from './manifest.js';

function variantMatches(wanted: Platform, variant: string | undefined): boolean {
  const defaultVariant = DEFAULT_VARIANT[wanted.architecture];
  if (wanted.variant === undefined || wanted.variant === defaultVariant) return variant === undefined || variant === defaultVariant;
  return variant === wanted.variant;
}

/** The index entry for `wanted` (the host's by default); Docker's 404 wording when there is none. */
export function choosePlatform(entries: readonly IndexEntry[], wanted: Platform = hostPlatform()): IndexEntry {
  for (const entry of entries) {
    if (!entry.platform || entry.platform.os !== wanted.os) continue;
    const { architecture, variant } = normaliseArch(entry.platform.architecture, entry.platform.variant);
    if (architecture === wanted.architecture && variantMatches(wanted, variant)) return entry;
  }
  throw notFound('no-matching-platform', `no matching manifest for ${formatPlatform(wanted)} in the manifest list entries`);
}
