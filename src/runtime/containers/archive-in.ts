/**
 * `docker cp` into a container: the destination directory is resolved inside the container's
 * root (kernel/linux/root-paths.ts, symlinks followed as the container would see them) to an
 * O_PATH handle, and the archive is unpacked by the one unpacker (images/extract.ts: bsdtar
 * chrooted in a private mount namespace) into /proc/self/fd/3, that very directory. Nothing is
 * looked up by name again between the check and the use, so a symlink the container swaps in
 * meanwhile can't send the files to the host (CVE-2018-15664); inside the chroot no entry can
 * leave the directory.
 */
import type { Readable } from 'node:stream';
import { lookupInRoot } from '../../kernel/linux/root-paths.js';
import { extractConfined } from '../images/extract.js';
import { resolveExecUser } from './exec-user.js';

export type ExtractResult = 'done' | 'missing' | 'not-directory';

export interface ExtractIntoOptions {
  /** `docker cp -a`: entries owned by this container user (Docker's User: name, uid, uid:gid). */
  ownerUser?: string;
  /** Where that user's /etc/passwd is: the container's root (`root` may be a mount's source). */
  accountsRoot?: string;
}

async function ownerOf(root: string, user: string | undefined): Promise<{ uid: number; gid: number } | undefined> {
  if (user === undefined) return undefined;
  const resolved = (await resolveExecUser(root, user)).user || '0:0';
  const [uid = 0, gid = 0] = resolved.split(':').map(Number);
  return { uid, gid };
}

export async function extractIntoRoot(root: string, path: string, input: Readable, options: ExtractIntoOptions = {}): Promise<ExtractResult> {
  const entry = await lookupInRoot(root, path, { followLast: true });
  if (!entry) return 'missing';
  try {
    if (!entry.stat.isDirectory()) return 'not-directory';
    const owner = await ownerOf(options.accountsRoot ?? root, options.ownerUser);
    await extractConfined(input, '/proc/self/fd/3', { what: 'the archive', fds: [entry.handle.fd], ...(owner ? { owner } : {}) });
    return 'done';
  } finally {
    await entry.handle.close();
  }
}
