/**
 * `docker cp` out of a container: the stat of a path and a tar of it, both confined to the
 * container's root. The stat walks the root with O_PATH|O_NOFOLLOW handles (kernel/linux/
 * root-paths.ts). The tar is Debian's static busybox, run chrooted into the root: a short Python
 * program opens the host's busybox, chroots into the root and execs the binary it holds
 * (fexecve), so nothing from the container is executed or loaded (the binary is static, and its
 * own /etc/passwd reader is not glibc's NSS, which would load the container's libnss_*.so: the
 * CVE-2019-14271 of docker cp). Every path the tar walks then resolves inside the root, whatever
 * symlinks the container swaps in while it runs (CVE-2018-15664): the root is the process's `/`.
 *
 * The files conet bind-mounts into a running container (/etc/hostname, /etc/hosts,
 * /etc/resolv.conf) are bind-mounted for the tar too, as Docker's cp mounts them, in a private
 * mount namespace that holds nothing but the chrooted tar. Only targets that the walk found as
 * regular files at exactly that path inside the root are mounted. The mount itself names the
 * target by path (a descriptor opened before unshare belongs to the parent namespace's mount, and
 * mount(2) refuses it): a symlink swapped in meanwhile can only move conet's own hostname/hosts
 * file elsewhere in that throwaway namespace, where the chrooted tar can't see anything outside
 * the root, and the host's namespace never sees the mount.
 */
import { once } from 'node:events';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { startPiped } from '../../exec/index.js';
import { followsLast, linkTargetInRoot, lookupInRoot } from '../../kernel/linux/root-paths.js';
import type { PathStat } from '../../model/path-stat.js';
import { system } from '../../errors/index.js';
import { BUSYBOX_BINARY } from '../images/busybox.js';

/**
 * Debian's interpreter (not one on PATH): opens argv[2], chroots into argv[1], execs the binary
 * with argv[3:]. unshare, sh and python all exec, so the tar is the daemon's own child.
 */
const PYTHON = '/usr/bin/python3';
const CHROOT_EXEC = [
  'import ctypes, os, sys',
  // PR_SET_PDEATHSIG, SIGKILL: a tar blocked inside the container dies with the daemon.
  'ctypes.CDLL(None).prctl(1, 9)',
  'binary = os.open(sys.argv[2], os.O_RDONLY | os.O_CLOEXEC)',
  'os.chroot(sys.argv[1])',
  'os.chdir("/")',
  'os.execve(binary, sys.argv[3:], {})',
].join('\n');
/** Mounts "$1" onto "$2" (pairs, up to "--"), then execs the rest; sources are conet's own files. */
const MOUNT_THEN_EXEC = 'while [ "$1" != -- ]; do mount --no-canonicalize --bind "$1" "$2" || exit 1; shift 2; done; shift; exec "$@"';
/** busybox tar's words for a path that is not there (any more). */
const MISSING = /No such file or directory|Not a directory|can't change directory/;
const FIRST_OUTPUT_MS = 20_000;
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

/**
 * Something bind-mounted into the container: `target` inside the root, `source` on the host (conet's
 * own /etc files, a bind's source, a volume's directory). Outer targets come before inner ones.
 */
export interface RootMount {
  target: string;
  source: string;
}

/** Where a target is looked up: in the source of an earlier mount it lies under (the last such), else the root. */
function lookupPlace(root: string, earlier: readonly RootMount[], target: string): { root: string; path: string } {
  const outer = earlier.filter((mount) => target.startsWith(`${mount.target}/`)).at(-1);
  return outer ? { root: outer.source, path: target.slice(outer.target.length) } : { root, path: target };
}

/**
 * The mounts whose target exists at exactly that path (no symlink on the way) as a regular file
 * or directory, inside the root or inside the source of an outer mount.
 */
async function mountable(root: string, mounts: readonly RootMount[]): Promise<RootMount[]> {
  const found: RootMount[] = [];
  for (const mount of mounts) {
    const place = lookupPlace(root, found, mount.target);
    const entry = await lookupInRoot(place.root, place.path, { followLast: false });
    await entry?.handle.close();
    if ((entry?.stat.isFile() || entry?.stat.isDirectory()) && entry.path === place.path) found.push(mount);
  }
  return found;
}

/**
 * A tar of `path` made chrooted into `root` (with `mounts` in place), streamed (never held in
 * memory); undefined when the path is gone by the time the tar looks.
 */
export async function tarFromRoot(root: string, path: string, mounts: readonly RootMount[] = []): Promise<ArchiveStream | undefined> {
  const { directory, member } = tarMember(path);
  const pairs = (await mountable(root, mounts)).flatMap((mount) => [mount.source, posix.join(root, mount.target)]);
  const tar = [PYTHON, '-I', '-S', '-c', CHROOT_EXEC, root, BUSYBOX_BINARY, 'busybox', 'tar', 'c', '-f', '-', '-C', directory, '--', member];
  const argv = ['unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', MOUNT_THEN_EXEC, 'sh', ...pairs, '--', ...tar];
  const child = startPiped(argv, { stdin: 'ignore' });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(0, MAX_STDERR)));
  const timer = setTimeout(() => child.signal('SIGKILL'), TAR_TIMEOUT_MS);
  const failure = (code: number) => system('archive-failed', `archiving ${path} failed: ${stderr.trim() || `tar exited with ${code}`}`);
  const exited = child.exited.finally(() => clearTimeout(timer));
  const stream = child.stdout;
  if (!stream) throw system('archive-failed', 'tar has no output pipe');
  // The answer's status goes out with the first bytes: a tar that fails before writing any (the
  // path went away since the stat) is an error, not an empty archive with a 200.
  // ('readable' also fires at the end, with nothing buffered.) A tar that writes nothing for
  // FIRST_OUTPUT_MS is stuck (the container made its /etc/passwd a FIFO): killed, and the
  // container's lock is free again.
  let stalled: NodeJS.Timeout | undefined;
  const stall = new Promise<'stalled'>((resolve) => (stalled = setTimeout(() => resolve('stalled'), FIRST_OUTPUT_MS)));
  const output = await Promise.race([once(stream, 'readable').then(() => stream.readableLength > 0), exited.then(() => false), stall]);
  clearTimeout(stalled);
  if (output === 'stalled') {
    child.signal('SIGKILL');
    throw system('archive-stalled', `archiving ${path} wrote nothing in ${FIRST_OUTPUT_MS / 1000} s (a FIFO where the tar reads?)`);
  }
  const first = output ? undefined : await exited;
  if (first !== undefined && first !== 0) {
    if (MISSING.test(stderr)) return undefined;
    throw failure(first);
  }
  const done = exited.then((code) => {
    if (code !== 0) throw failure(code);
  });
  return { stream, done, cancel: () => child.signal('SIGKILL') };
}
