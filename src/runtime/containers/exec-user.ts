/**
 * Docker's exec User ("name", "uid", "name:group", "uid:gid") as the numeric uid:gid runc wants,
 * resolved against the container's own /etc/passwd and /etc/group as Docker does. The files are
 * read inside the container's root (root-files.ts): a symlink there never reaches a host file,
 * and a FIFO or device planted there is refused instead of blocking the daemon.
 */
import { readFileInRoot } from '../../kernel/linux/root-files.js';
import { invalid, isEngineError } from '../../errors/index.js';

/** Docker's user lookup reads these files whole; real ones are a few kB. */
const MAX_ACCOUNT_FILE = 1 << 20;

/** The file's text; '' when the image has none (the name is then unknown, and the caller says so). */
async function accountFile(rootfs: string, file: string): Promise<string> {
  try {
    return (await readFileInRoot(rootfs, file, MAX_ACCOUNT_FILE)) ?? '';
  } catch (error) {
    // A FIFO, device, link loop or oversized file: the user's error, named; anything else as is.
    if (!isEngineError(error)) throw error;
    throw invalid('exec-user', `unable to read the container's ${file}: ${(error as Error).message}`);
  }
}

async function lookup(rootfs: string, file: string, name: string): Promise<{ id: number; gid: number } | undefined> {
  const text = await accountFile(rootfs, file);
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === name && fields[2] !== undefined) return { id: Number(fields[2]), gid: Number(fields[3] ?? fields[2]) };
  }
  return undefined;
}

export async function resolveExecUser(rootfs: string, user: string): Promise<string> {
  if (user === '') return '';
  const [userPart = '', groupPart] = user.split(':');
  let uid: number;
  let gid: number;
  if (/^\d+$/.test(userPart)) {
    uid = Number(userPart);
    gid = (await lookupById(rootfs, uid)) ?? 0;
  } else {
    const entry = await lookup(rootfs, '/etc/passwd', userPart);
    if (!entry) throw invalid('exec-user', `unable to find user ${userPart}: no matching entries in passwd file`);
    uid = entry.id;
    gid = entry.gid;
  }
  if (groupPart !== undefined && groupPart !== '') {
    if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
    else {
      const group = await lookup(rootfs, '/etc/group', groupPart);
      if (!group) throw invalid('exec-user', `unable to find group ${groupPart}: no matching entries in group file`);
      gid = group.id;
    }
  }
  return `${uid}:${gid}`;
}

async function lookupById(rootfs: string, uid: number): Promise<number | undefined> {
  // No such file in the image: the uid has no group entry, so the caller uses group 0 (as runc).
  const text = await accountFile(rootfs, '/etc/passwd');
  const line = text.split('\n').find((candidate) => candidate.split(':')[2] === String(uid));
  return line ? Number(line.split(':')[3]) : undefined;
}
