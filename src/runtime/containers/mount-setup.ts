/**
 * A container's own mounts made ready for runc, once its root is mounted: each bind's source is
 * made (`-v`) or must exist (`--mount`); a shared or slave bind needs a source on a mount with
 * that propagation, and the root's propagation follows (Docker's ensureShared and its choice of
 * RootfsPropagation, daemon/oci_linux.go); every destination is resolved inside the root
 * (kernel/linux/mount-targets.ts), so an image's symlink can only lead somewhere in the root, and
 * the list is ordered parents first (Docker's sortMounts: by depth).
 */
import { mkdir, stat } from 'node:fs/promises';
import { invalid } from '../../errors/index.js';
import { mountPropagationOf } from '../../kernel/linux/mounts.js';
import { resolveMountTarget } from '../../kernel/linux/mount-targets.js';
import type { RuntimeMount } from '../../model/mounts.js';

export interface OciMount {
  destination: string;
  type: string;
  source: string;
  options: string[];
}

export interface PreparedMounts {
  mounts: OciMount[];
  /** "shared" or "rslave" when a bind needs it; runc's default (rslave) otherwise. */
  rootfsPropagation?: 'shared' | 'rslave';
}

async function prepareSource(mount: RuntimeMount): Promise<void> {
  // Absent: made below or refused.
  const found = await stat(mount.source).catch(() => undefined);
  if (found) return;
  if (!mount.createSource) throw invalid('mount-source', `invalid mount config for type "bind": bind source path does not exist: ${mount.source}`);
  await mkdir(mount.source, { recursive: true, mode: 0o755 });
}

/** ensureShared / ensureSharedOrSlave: the root propagation a bind needs, or Docker's error. */
async function propagationNeed(mount: RuntimeMount): Promise<PreparedMounts['rootfsPropagation']> {
  const wanted = mount.propagation;
  if (wanted !== 'shared' && wanted !== 'rshared' && wanted !== 'slave' && wanted !== 'rslave') return undefined;
  const found = await mountPropagationOf(mount.source);
  if (wanted.endsWith('shared')) {
    if (!found.shared) throw invalid('mount-propagation', `path ${mount.source} is mounted on ${found.mountPoint} but it is not a shared mount`);
    return 'shared';
  }
  if (!found.shared && !found.slave) throw invalid('mount-propagation', `path ${mount.source} is mounted on ${found.mountPoint} but it is not a shared or slave mount`);
  return 'rslave';
}

const depth = (path: string): number => path.split('/').length;

export async function prepareMounts(root: string, mounts: readonly RuntimeMount[]): Promise<PreparedMounts> {
  const prepared: OciMount[] = [];
  const needs = new Set<PreparedMounts['rootfsPropagation']>();
  for (const mount of mounts) {
    if (mount.type === 'bind') {
      await prepareSource(mount);
      needs.add(await propagationNeed(mount));
    }
    const destination = await resolveMountTarget(root, mount.destination);
    if (destination === '/') throw invalid('mount-destination', `the mount destination ${mount.destination} leads to / inside the container`);
    prepared.push({ destination, type: mount.type, source: mount.source, options: [...mount.options] });
  }
  prepared.sort((a, b) => depth(a.destination) - depth(b.destination));
  const rootfsPropagation = needs.has('shared') ? 'shared' : needs.has('rslave') ? 'rslave' : undefined;
  return { mounts: prepared, ...(rootfsPropagation ? { rootfsPropagation } : {}) };
}
