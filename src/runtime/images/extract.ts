/**
 * The one way conet unpacks an archive it did not make (`docker load`, `docker import`, `docker cp`
 * into a container, and later pulled layers): libarchive's bsdtar, chrooted into the empty target directory before the first
 * entry is written (`--chroot`), in a private mount namespace of its own, through exec/ with an
 * argv. Inside the chroot no path (`..`, absolute names, symlinks written by this or any earlier
 * archive, hardlink targets) can name anything outside the target; bsdtar's secure defaults (no
 * `-P`) also refuse `..`, strip leading `/` and never extract through a symlink, so such entries
 * fail the extraction instead of landing somewhere surprising. This is Docker's chrootarchive.
 *
 * The chrooted process must load nothing from the target (which the archive controls):
 * `--numeric-owner` (no NSS lookups of user names), a UTF-8 C locale (libarchive converts UTF-8 to
 * UTF-8 without iconv, so no gconv module is loaded) and `--no-fflags` (an archive can't make its
 * files immutable, which would stop `docker rmi` from removing them).
 */
import type { Readable } from 'node:stream';
import { run, ExecError } from '../../exec/index.js';
import { invalid } from '../../errors/index.js';

const EXTRACT = ['-x', '-f', '-', '--chroot', '--numeric-owner', '--same-owner', '--preserve-permissions', '--no-fflags'];

export interface ExtractOptions {
  /** Sees every chunk of the archive on its way to bsdtar (to hash it). */
  tap?: (chunk: Buffer) => void;
  /** Names what was unpacked in the error message ("the image", "layer l1/layer.tar"). */
  what: string;
  /** Descriptors the child inherits as fds 3, 4, ... (`directory` may be /proc/self/fd/3). */
  fds?: readonly number[];
  /** Every entry owned by these ids instead of the archive's (`docker cp -a`). */
  owner?: { uid: number; gid: number };
}

/** Unpacks `input` into the existing, empty `directory`; a bad archive is a 400 naming bsdtar's complaint. */
export async function extractConfined(input: Readable, directory: string, options: ExtractOptions): Promise<void> {
  const owner = options.owner ? ['--uid', String(options.owner.uid), '--gid', String(options.owner.gid)] : [];
  const argv = ['unshare', '--mount', '--propagation', 'private', '--', 'bsdtar', ...EXTRACT, ...owner, '-C', directory];
  try {
    await run(argv, {
      input,
      timeoutMs: 600_000,
      env: { PATH: process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C.UTF-8' },
      ...(options.tap ? { tap: options.tap } : {}),
      ...(options.fds ? { fds: options.fds } : {}),
    });
  } catch (error) {
    if (!(error instanceof ExecError) || error.failure !== 'exit') throw error;
    const complaint = error.stderr.split('\n').filter((line) => line && !line.includes('Removing leading')).slice(0, 3).join('; ');
    throw invalid('bad-archive', `unpacking ${options.what} failed: ${complaint || `bsdtar exited with ${error.code}`}`);
  }
}
