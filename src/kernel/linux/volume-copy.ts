/**
 * Docker's copy of an image's content into an empty volume at first use: what the container's
 * root holds at the mount's destination (resolved inside the root, so a symlink in the image can't
 * lead the copy out of it) is copied with `cp -a` into the volume's directory. The source is
 * handed to cp as the walk's own handle (/proc/PID/fd/N), never as a path walked again, so a
 * symlink swapped in after the walk changes nothing; cp -a copies symlinks inside as symlinks.
 */
import { readdir } from 'node:fs/promises';
import { run } from '../../exec/index.js';
import { lookupInRoot } from './root-paths.js';

/** Whether a directory has no entries (a missing one counts as empty). */
export async function isEmptyDirectory(path: string): Promise<boolean> {
  // A volume directory that is not there yet has nothing in it: the copy makes no difference to it.
  return (await readdir(path).catch(() => [])).length === 0;
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
