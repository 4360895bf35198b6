/**
 * Docker's copy of an image's content into an empty volume at first use: what the container's
 * root holds at the mount's destination (resolved inside the root, so a symlink in the image can't
 * lead the copy out of it) is copied with `cp -a` into the volume's directory. The source is
 * handed to cp as the walk's own handle (/proc/PID/fd/N), never as a path walked again, so a
 * symlink swapped in after the walk changes nothing; cp -a copies symlinks inside as symlinks.
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../exec/index.js';
import { lookupInRoot } from './root-paths.js';

/** Whether a directory has no entries (a missing one counts as empty). */
export async function isEmptyDirectory(path: string): Promise<boolean> {
  // A volume directory that is not there yet has nothing in it: the copy makes no difference to it.
  return (await readdir(path).catch(() => [])).length === 0;
}

/**
 * Whether no layer of an overlay (lower directories and upper, in any order) has anything at
 * `destination`, nor anything but plain directories on the way there: then the merged root has
 * nothing to copy, and it needn't be mounted to find that out. Anything else (the path itself, a
 * file, symlink or whiteout on the way) is a "maybe": the caller mounts the root and looks.
 */
export async function absentInLayers(layers: readonly string[], destination: string): Promise<boolean> {
  const parts = destination.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.length === 0 || parts.includes('..')) return false;
  for (const layer of layers) {
    let path = layer;
    for (const [index, part] of parts.entries()) {
      path = join(path, part);
      // Not in this layer: nothing below it here either.
      const found = await lstat(path).catch(() => undefined);
      if (!found) break;
      if (index === parts.length - 1 || !found.isDirectory()) return false;
    }
  }
  return true;
}

/**
 * Copies `root`'s `destination` into `volumeDir` when the latter is empty and the former is a
 * directory; resolves to whether it copied.
 */
export async function copyIntoEmptyVolume(root: string, destination: string, volumeDir: string): Promise<boolean> {
  if (!(await isEmptyDirectory(volumeDir))) return false;
  const entry = await lookupInRoot(root, destination, { followLast: true });
  if (!entry) return false;
  try {
    if (!entry.stat.isDirectory()) return false;
    await run(['cp', '-a', '--', `/proc/${process.pid}/fd/${entry.handle.fd}/.`, `${volumeDir}/`], { timeoutMs: 120_000 });
    return true;
  } finally {
    await entry.handle.close();
  }
}
