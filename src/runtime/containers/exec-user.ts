/**
 * Docker's exec User ("name", "uid", "name:group", "uid:gid") as the numeric uid:gid runc wants,
 * resolved against the container's own /etc/passwd and /etc/group as Docker does.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { invalid } from '../../errors/index.js';

async function lookup(file: string, name: string): Promise<{ id: number; gid: number } | undefined> {
  // No such file in the image: the name is unknown, and the caller says so.
  const text = await readFile(file, 'utf8').catch(() => '');
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
    gid = (await lookupById(join(rootfs, 'etc/passwd'), uid)) ?? 0;
  } else {
    const entry = await lookup(join(rootfs, 'etc/passwd'), userPart);
    if (!entry) throw invalid('exec-user', `unable to find user ${userPart}: no matching entries in passwd file`);
    uid = entry.id;
    gid = entry.gid;
  }
  if (groupPart !== undefined && groupPart !== '') {
    if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
    else {
      const group = await lookup(join(rootfs, 'etc/group'), groupPart);
      if (!group) throw invalid('exec-user', `unable to find group ${groupPart}: no matching entries in group file`);
      gid = group.id;
    }
  }
  return `${uid}:${gid}`;
}

async function lookupById(file: string, uid: number): Promise<number | undefined> {
  // No such file in the image: the uid has no group entry, so the caller uses group 0 (as runc).
  const text = await readFile(file, 'utf8').catch(() => '');
  const line = text.split('\n').find((candidate) => candidate.split(':')[2] === String(uid));
  return line ? Number(line.split(':')[3]) : undefined;
}
