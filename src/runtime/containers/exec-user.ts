/**
 * Docker's User ("name", "uid", "name:group", "uid:gid") and GroupAdd as the numeric identity
 * runc wants, resolved against the container's own /etc/passwd and /etc/group as Docker does
 * (moby/sys/user GetExecUser): a name must be in passwd; a uid that isn't keeps group 0; the
 * user's supplementary groups are the group entries listing its name; `--group-add` names must be
 * in group. The files are read inside the container's root (root-files.ts): a symlink there never
 * reaches a host file, and a FIFO or device planted there is refused instead of blocking the daemon.
 */
import { readFileInRoot } from '../../kernel/linux/root-files.js';
import { invalid, isEngineError } from '../../errors/index.js';

/** Docker's user lookup reads these files whole; real ones are a few kB. */
const MAX_ACCOUNT_FILE = 1 << 20;
/** moby/sys/user's range for ids. */
const MAX_ID = 2 ** 31 - 1;

export interface ProcessUser {
  uid: number;
  gid: number;
  additionalGids: number[];
}

interface Entry {
  name: string;
  id: number;
  /** passwd: the primary group; group: unused. */
  gid: number;
  /** group: member names. */
  members: string[];
}

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

const isId = (text: string): boolean => /^\d{1,10}$/.test(text) && Number(text) <= MAX_ID;

/** Lines of `name:x:id:gid-or-members`; malformed lines are skipped, as moby's parser does. */
async function entries(rootfs: string, file: string): Promise<Entry[]> {
  const text = await accountFile(rootfs, file);
  const list: Entry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(':');
    const [name = '', , id = '', fourth = ''] = fields;
    if (name === '' || name.startsWith('#') || !isId(id)) continue;
    const passwd = file === '/etc/passwd';
    list.push({ name, id: Number(id), gid: passwd && isId(fourth) ? Number(fourth) : 0, members: passwd ? [] : fourth.split(',').filter(Boolean) });
  }
  return list;
}

function numeric(text: string, what: string): number {
  if (!isId(text)) throw invalid('exec-user', `${what} ${text} is out of range 0-${MAX_ID}`);
  return Number(text);
}

async function resolveUserPart(rootfs: string, userPart: string): Promise<{ uid: number; gid: number; name?: string }> {
  const passwd = await entries(rootfs, '/etc/passwd');
  if (/^\d+$/.test(userPart)) {
    const uid = numeric(userPart, 'uid');
    const entry = passwd.find((candidate) => candidate.id === uid);
    return entry ? { uid, gid: entry.gid, name: entry.name } : { uid, gid: 0 };
  }
  const entry = passwd.find((candidate) => candidate.name === userPart);
  if (!entry) throw invalid('exec-user', `unable to find user ${userPart}: no matching entries in passwd file`);
  return { uid: entry.id, gid: entry.gid, name: entry.name };
}

function groupId(groups: readonly Entry[], group: string): number {
  if (/^\d+$/.test(group)) return numeric(group, 'gid');
  const entry = groups.find((candidate) => candidate.name === group);
  if (!entry) throw invalid('exec-user', `unable to find group ${group}: no matching entries in group file`);
  return entry.id;
}

/** The process identity of `user` (empty: root) with the supplementary groups and `groupAdd`. */
export async function resolveProcessUser(rootfs: string, user: string, groupAdd: readonly string[] = []): Promise<ProcessUser> {
  const [userPart = '', groupPart = ''] = user.split(':');
  const found = userPart === '' ? { uid: 0, gid: 0, name: 'root' } : await resolveUserPart(rootfs, userPart);
  const groups = groupPart !== '' || groupAdd.length > 0 || found.name !== undefined ? await entries(rootfs, '/etc/group') : [];
  const gid = groupPart !== '' ? groupId(groups, groupPart) : found.gid;
  // Supplementary groups only when no group was named (moby: an explicit group replaces them).
  const member = groupPart === '' && found.name !== undefined ? groups.filter((group) => group.members.includes(found.name ?? '')).map((group) => group.id) : [];
  const added = groupAdd.map((group) => groupId(groups, group));
  return { uid: found.uid, gid, additionalGids: [...new Set([...member, ...added])] };
}

/**
 * exec's `--user` for runc ("uid:gid", or '' for the container's own user) and its supplementary
 * groups: the user's memberships in the image's /etc/group and the container's `--group-add`,
 * as Docker's exec resolves them (getUser with the container's GroupAdd).
 */
export async function resolveExecUser(rootfs: string, user: string, groupAdd: readonly string[] = []): Promise<{ user: string; additionalGids: number[] }> {
  if (user === '') return { user: '', additionalGids: [] };
  const { uid, gid, additionalGids } = await resolveProcessUser(rootfs, user, groupAdd);
  return { user: `${uid}:${gid}`, additionalGids };
}
