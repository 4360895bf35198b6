/**
 * Files read from a root that someone else controls (a container's merged rootfs, an unpacked
 * `docker load` archive), resolved the way the kernel would resolve them inside that root: every
 * component is opened relative to the one before with O_PATH|O_NOFOLLOW (openat through the
 * /proc/self/fd magic link, which Node lacks), `..` stops at the root, and a symlink's text is
 * resolved again from the root (absolute) or its directory (relative), at most 40 times. So no
 * symlink reaches a host file, and a swap during the walk changes nothing: each step holds an fd.
 * Only regular files are read (checked on the O_PATH fd, so a FIFO or device is never opened),
 * never more than a cap.
 */
import { constants } from 'node:fs';
import { open, readlink, type FileHandle } from 'node:fs/promises';
import { invalid } from '../../errors/index.js';

/** Linux's O_PATH (the same value on x86-64 and arm64); Node does not export it. */
const O_PATH = 0o10000000;
const MAX_SYMLINKS = 40;

const components = (path: string): string[] => path.split('/').filter((part) => part !== '' && part !== '.');
const viaFd = (handle: FileHandle, name?: string): string => `/proc/self/fd/${handle.fd}${name === undefined ? '' : `/${name}`}`;
const missing = (error: unknown): boolean => ['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '');

async function closeAll(handles: FileHandle[]): Promise<void> {
  await Promise.all(handles.map((handle) => handle.close()));
}

/** One step of the walk: the next handle, or the symlink text to resolve instead. */
async function step(directory: FileHandle, name: string): Promise<{ handle: FileHandle } | { link: string }> {
  const handle = await open(viaFd(directory, name), O_PATH | constants.O_NOFOLLOW);
  if (!(await handle.stat()).isSymbolicLink()) return { handle };
  await handle.close();
  return { link: await readlink(viaFd(directory, name)) };
}

/**
 * An O_PATH handle of `path` inside `root`, or undefined when it does not exist there (a dangling
 * symlink included). The caller closes it.
 */
export async function resolveInRoot(root: string, path: string): Promise<FileHandle | undefined> {
  const stack = [await open(root, O_PATH | constants.O_DIRECTORY)];
  const pending = components(path);
  let links = 0;
  try {
    while (pending.length > 0) {
      const name = pending.shift()!;
      if (name === '..') {
        if (stack.length > 1) await stack.pop()!.close();
        continue;
      }
      const next = await step(stack.at(-1)!, name);
      if ('link' in next) {
        if (++links > MAX_SYMLINKS) throw invalid('root-path-loop', `too many levels of symbolic links in ${path}`);
        if (next.link.startsWith('/')) await closeAll(stack.splice(1));
        pending.unshift(...components(next.link));
        continue;
      }
      stack.push(next.handle);
      if (pending.length > 0 && !(await next.handle.stat()).isDirectory()) return undefined;
    }
    return stack.pop();
  } catch (error) {
    if (missing(error)) return undefined;
    throw error;
  } finally {
    await closeAll(stack);
  }
}

/** A readable handle of the regular file at `path` inside `root`; undefined when missing. */
export async function openFileInRoot(root: string, path: string): Promise<FileHandle | undefined> {
  const located = await resolveInRoot(root, path);
  if (!located) return undefined;
  try {
    if (!(await located.stat()).isFile()) throw invalid('not-regular-file', `${path} is not a regular file`);
    return await open(viaFd(located), constants.O_RDONLY | constants.O_NOCTTY | constants.O_NONBLOCK);
  } finally {
    await located.close();
  }
}

/** The text of a regular file inside `root`, at most `maxBytes`; undefined when missing. */
export async function readFileInRoot(root: string, path: string, maxBytes: number): Promise<string | undefined> {
  const handle = await openFileInRoot(root, path);
  if (!handle) return undefined;
  try {
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) throw invalid('file-too-large', `${path} is larger than ${maxBytes} bytes`);
    }
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    await handle.close();
  }
}
