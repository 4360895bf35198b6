/**
 * `docker cp` out of a container: the stat of a path and a tar of it, both confined to the
 * container's root. The stat walks the root with O_PATH|O_NOFOLLOW handles (kernel/linux/
 * root-paths.ts). The tar is Debian's static busybox, run chrooted into the root: a short Python
 * program opens the host's busybox, chroots into the root and execs the binary it holds
 * (fexecve), so nothing from the container is executed or loaded (the binary is static, and its
 * own /etc/passwd reader is not glibc's NSS, which would load the container's libnss_*.so: the
 * CVE-2019-14271 of docker cp). Every path the tar walks then resolves inside the root, whatever
 * symlinks the container swaps in while it runs (CVE-2018-15664): the root is the process's `/`.
 */
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { startPiped } from '../../exec/index.js';
import { followsLast, linkTargetInRoot, lookupInRoot } from '../../kernel/linux/root-paths.js';
import type { PathStat } from '../../model/path-stat.js';
import { system } from '../../errors/index.js';
import { BUSYBOX_BINARY } from '../images/busybox.js';

/** Debian's interpreter (not one on PATH): opens argv[2], chroots into argv[1], execs the binary with argv[3:]. */
const PYTHON = '/usr/bin/python3';
const CHROOT_EXEC = [
  'import os, sys',
  'binary = os.open(sys.argv[2], os.O_RDONLY | os.O_CLOEXEC)',
  'os.chroot(sys.argv[1])',
  'os.chdir("/")',
  'os.execve(binary, sys.argv[3:], {})',
].join('\n');
const TAR_TIMEOUT_MS = 3_600_000;
const MAX_STDERR = 4096;

export interface ArchiveStream {
  stream: Readable;
  /** Settles when the tar has ended: rejects when it failed (the stream is then cut short). */
  done: Promise<void>;
  /** Stops the tar (the client left). */
  cancel(): void;
}

/** Docker's name of a path: its last component as asked, "." for a path ending in "/.", "/" for the root. */
export function statName(path: string): string {
  if (/\/\.$/.test(path)) return '.';
  return posix.basename(posix.normalize(`/${path}`)) || '/';
}

export async function statInRoot(root: string, path: string): Promise<PathStat | undefined> {
  const entry = await lookupInRoot(root, path, { followLast: followsLast(path) });
  if (!entry) return undefined;
  await entry.handle.close();
  const linkTarget = entry.stat.isSymbolicLink() ? await linkTargetInRoot(root, entry.path) : '';
  return { name: statName(path), size: entry.stat.size, mode: entry.stat.mode, mtime: entry.stat.mtime, linkTarget };
}

/** tar's -C directory and member, both inside the chroot: "/a/b" → ["/a", "b"]; "/a/." → ["/a", "."]. */
export function tarMember(path: string): { directory: string; member: string } {
  const absolute = posix.normalize(`/${path}`);
  if (absolute === '/' || /\/\.$/.test(path)) return { directory: absolute, member: '.' };
  const trimmed = absolute.replace(/\/$/, '');
  return { directory: posix.dirname(trimmed), member: posix.basename(trimmed) };
}

/** A tar of `path` made chrooted into `root`, streamed (never held in memory). */
export function tarFromRoot(root: string, path: string): ArchiveStream {
  const { directory, member } = tarMember(path);
  const argv = [PYTHON, '-I', '-S', '-c', CHROOT_EXEC, root, BUSYBOX_BINARY, 'busybox', 'tar', 'c', '-f', '-', '-C', directory, '--', member];
  const child = startPiped(argv, { stdin: 'ignore' });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(0, MAX_STDERR)));
  const timer = setTimeout(() => child.signal('SIGKILL'), TAR_TIMEOUT_MS);
  const done = child.exited.then((code) => {
    clearTimeout(timer);
    if (code !== 0) throw system('archive-failed', `archiving ${path} failed: ${stderr.trim() || `tar exited with ${code}`}`);
  });
  if (!child.stdout) throw system('archive-failed', 'tar has no output pipe');
  return { stream: child.stdout, done, cancel: () => child.signal('SIGKILL') };
}
