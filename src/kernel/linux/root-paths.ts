/**
 * Paths of a root that someone else controls (a container's rootfs), resolved the way the kernel
 * would resolve them inside that root, for `docker cp`: the same walk as root-files.ts (every
 * component opened relative to the one before with O_PATH|O_NOFOLLOW, `..` stops at the root,
 * symlink text resolved again from the root or its directory, at most 40 links), and it keeps the
 * names, so the caller also learns the canonical path inside the root. The result is an O_PATH
 * handle: a directory found here can be entered through /proc/self/fd/N by a child process, so a
 * symlink swapped in after the walk changes nothing (CVE-2018-15664).
 *
 * Docker's rules: the last component is not followed (stat and copy-out see a symlink as a
 * symlink) unless the path ends in `/` or `/.`; the destination of a copy-in is followed.
 */
import { constants, type Stats } from 'node:fs';
import { open, readlink, type FileHandle } from 'node:fs/promises';
import { posix } from 'node:path';
import { invalid } from '../../errors/index.js';

/** Linux's O_PATH (the same value on x86-64 and arm64); Node does not export it. */
const O_PATH = 0o10000000;
const MAX_SYMLINKS = 40;

export interface RootEntry {
  /** O_PATH handle of what the path names; the caller closes it. */
  handle: FileHandle;
  /** Its canonical path inside the root ("/" for the root itself). */
  path: string;
  /** lstat of it (a symlink when the last component was one and not followed). */
  stat: Stats;
}

interface Step {
  handle: FileHandle;
  name: string;
}

const components = (path: string): string[] => path.split('/').filter((part) => part !== '' && part !== '.');
const viaFd = (handle: FileHandle, name: string): string => `/proc/self/fd/${handle.fd}/${name}`;
const missing = (error: unknown): boolean => ['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '');
const canonical = (stack: readonly Step[]): string => `/${stack.slice(1).map((step) => step.name).join('/')}`;

async function closeAll(steps: readonly Step[]): Promise<void> {
  await Promise.all(steps.map((step) => step.handle.close()));
}

/** Docker follows the last component only when the path ends in `/` or `/.` (or is the root). */
export function followsLast(path: string): boolean {
  return /\/\.?$/.test(path) || components(path).length === 0;
}

/** Walks `path` inside `root`; undefined when it does not exist there (a dangling symlink included). */
export async function lookupInRoot(root: string, path: string, options: { followLast: boolean }): Promise<RootEntry | undefined> {
  const stack: Step[] = [{ handle: await open(root, O_PATH | constants.O_DIRECTORY), name: '' }];
  const pending = components(path);
  let links = 0;
  try {
    while (pending.length > 0) {
      const name = pending.shift()!;
      if (name === '..') {
        if (stack.length > 1) await stack.pop()!.handle.close();
        continue;
      }
      const directory = stack.at(-1)!.handle;
      const handle = await open(viaFd(directory, name), O_PATH | constants.O_NOFOLLOW);
      const stat = await handle.stat();
      if (stat.isSymbolicLink() && (pending.length > 0 || options.followLast)) {
        await handle.close();
        const link = await readlink(viaFd(directory, name));
        if (++links > MAX_SYMLINKS) throw invalid('root-path-loop', `too many levels of symbolic links in ${path}`);
        if (link.startsWith('/')) await closeAll(stack.splice(1));
        pending.unshift(...components(link));
        continue;
      }
      stack.push({ handle, name });
      if (pending.length > 0 && !stat.isDirectory()) return undefined;
    }
    const last = stack.pop()!;
    return { handle: last.handle, path: canonical([...stack, last]), stat: await last.handle.stat() };
  } catch (error) {
    if (missing(error)) return undefined;
    throw error;
  } finally {
    await closeAll(stack);
  }
}

/**
 * Where a symlink at `path` (canonical, inside the root) leads, as a path inside the root: fully
 * resolved when it exists, else its text joined lexically (Docker's linkTarget).
 */
export async function linkTargetInRoot(root: string, path: string): Promise<string> {
  // A link loop has no resolved target: its text is the answer then, as for a dangling link.
  const target = await lookupInRoot(root, path, { followLast: true }).catch(() => undefined);
  if (target) {
    await target.handle.close();
    return target.path;
  }
  const parent = await lookupInRoot(root, posix.dirname(path), { followLast: true });
  if (!parent) return path;
  try {
    // Swapped for a non-link since the walk: no target to name.
    const text = await readlink(viaFd(parent.handle, posix.basename(path))).catch(() => '');
    return posix.resolve(posix.dirname(path), text);
  } finally {
    await parent.handle.close();
  }
}
