/**
 * Where a mount's destination really is inside a container's root, resolved as the kernel would
 * resolve it with that root as "/" (the walk of root-paths.ts: each component opened relative to
 * the one before with O_PATH|O_NOFOLLOW, `..` stopping at the root, a symlink's text resolved
 * again from the root or its directory, at most 40 links). Unlike a lookup, a destination may
 * not exist yet: from the first missing component on, the rest is taken as plain names (runc makes
 * those directories), as runc's securejoin does. So `/evil -> /tmp/x` in an image makes a mount on
 * `/evil` land on the root's own `/tmp/x`, never on the host's.
 */
import { constants } from 'node:fs';
import { open, readlink, type FileHandle } from 'node:fs/promises';
import { invalid } from '../../errors/index.js';

const O_PATH = 0o10000000;
const MAX_SYMLINKS = 40;

/** A component found on disk (with its handle) or, after a missing one, a name only. */
interface Step {
  name: string;
  handle?: FileHandle;
}

const components = (path: string): string[] => path.split('/').filter((part) => part !== '' && part !== '.');
const missing = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';

/** Opens `name` under the last real step: the handle and its lstat, or undefined when missing. */
async function openStep(directory: FileHandle, name: string): Promise<FileHandle | undefined> {
  try {
    return await open(`/proc/self/fd/${directory.fd}/${name}`, O_PATH | constants.O_NOFOLLOW);
  } catch (error) {
    if (missing(error)) return undefined;
    throw error;
  }
}

/** The canonical path of `path` inside `root` ("/" for the root itself), every symlink followed inside it. */
export async function resolveMountTarget(root: string, path: string): Promise<string> {
  const rootHandle = await open(root, O_PATH | constants.O_DIRECTORY);
  const stack: Step[] = [];
  const pending = components(path);
  let links = 0;
  const release = async (steps: Step[]): Promise<void> => void (await Promise.all(steps.map((step) => step.handle?.close())));
  try {
    while (pending.length > 0) {
      const name = pending.shift()!;
      if (name === '..') {
        await release(stack.splice(-1));
        continue;
      }
      const parent = stack.at(-1);
      if (parent && !parent.handle) {
        stack.push({ name });
        continue;
      }
      const directory = parent?.handle ?? rootHandle;
      const handle = await openStep(directory, name);
      if (!handle) {
        stack.push({ name });
        continue;
      }
      const stat = await handle.stat();
      if (stat.isSymbolicLink()) {
        const link = await readlink(`/proc/self/fd/${directory.fd}/${name}`);
        await handle.close();
        if (++links > MAX_SYMLINKS) throw invalid('mount-destination', `too many levels of symbolic links in the mount destination ${path}`);
        if (link.startsWith('/')) await release(stack.splice(0));
        pending.unshift(...components(link));
        continue;
      }
      stack.push({ name, handle });
      if (pending.length > 0 && !stat.isDirectory()) throw invalid('mount-destination', `the mount destination ${path} goes through a file that is not a directory`);
    }
    return `/${stack.map((step) => step.name).join('/')}`;
  } finally {
    await release(stack);
    await rootHandle.close();
  }
}
