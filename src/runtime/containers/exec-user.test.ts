import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveExecUser, resolveProcessUser } from './exec-user.js';

async function withRoot(files: { passwd?: string; group?: string; passwdLink?: string }, fn: (root: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'conet-user-'));
  try {
    await mkdir(join(root, 'etc'));
    if (files.passwd !== undefined) await writeFile(join(root, 'etc/passwd'), files.passwd);
    if (files.passwdLink !== undefined) await symlink(files.passwdLink, join(root, 'etc/passwd'));
    if (files.group !== undefined) await writeFile(join(root, 'etc/group'), files.group);
    await fn(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\n# comment\nbroken line\nalice:x:1000:1000::/home/alice:/bin/sh\n';
const GROUP = 'root:x:0:\nstaff:x:50:\ndevs:x:2000:carol,alice\nalice:x:1000:\n';

test('names and numbers as moby resolves them: supplementary groups only without an explicit group; --group-add appended', async () => {
  await withRoot({ passwd: PASSWD, group: GROUP }, async (root) => {
    assert.deepEqual(await resolveProcessUser(root, ''), { uid: 0, gid: 0, additionalGids: [] });
    assert.deepEqual(await resolveProcessUser(root, 'alice'), { uid: 1000, gid: 1000, additionalGids: [2000] });
    assert.deepEqual(await resolveProcessUser(root, '1000'), { uid: 1000, gid: 1000, additionalGids: [2000] });
    assert.deepEqual(await resolveProcessUser(root, 'alice:staff'), { uid: 1000, gid: 50, additionalGids: [] });
    assert.deepEqual(await resolveProcessUser(root, '4242'), { uid: 4242, gid: 0, additionalGids: [] }, 'an unknown uid keeps group 0');
    assert.deepEqual(await resolveProcessUser(root, '4242:9'), { uid: 4242, gid: 9, additionalGids: [] });
    assert.deepEqual(await resolveProcessUser(root, 'alice', ['staff', '7', 'devs']), { uid: 1000, gid: 1000, additionalGids: [2000, 50, 7] });
    await assert.rejects(resolveProcessUser(root, 'bob'), { kind: 'invalid', message: 'unable to find user bob: no matching entries in passwd file' });
    await assert.rejects(resolveProcessUser(root, 'alice:nogroup'), { kind: 'invalid', message: 'unable to find group nogroup: no matching entries in group file' });
    await assert.rejects(resolveProcessUser(root, '', ['nogroup']), /unable to find group nogroup/);
    await assert.rejects(resolveProcessUser(root, '99999999999'), /out of range/);
    assert.deepEqual(await resolveExecUser(root, 'alice:staff'), { user: '1000:50', additionalGids: [] });
    assert.deepEqual(await resolveExecUser(root, 'alice'), { user: '1000:1000', additionalGids: [2000] }, 'exec -u gets the user\'s groups');
    assert.deepEqual(await resolveExecUser(root, 'alice', ['staff']), { user: '1000:1000', additionalGids: [2000, 50] }, 'and the container\'s --group-add');
    assert.deepEqual(await resolveExecUser(root, '', ['staff']), { user: '', additionalGids: [] }, 'no -u: runc keeps the container\'s own user and groups');
  });
});

test('a passwd symlink to a host file is resolved inside the root; an image without the files knows only numbers', async () => {
  const outside = await mkdtemp(join(tmpdir(), 'conet-host-'));
  try {
    await writeFile(join(outside, 'passwd'), 'evil:x:4242:4242::/:/bin/sh\n');
    await withRoot({ passwdLink: join(outside, 'passwd') }, async (root) => {
      await assert.rejects(resolveProcessUser(root, 'evil'), /unable to find user evil/);
    });
    await withRoot({}, async (root) => {
      assert.deepEqual(await resolveProcessUser(root, '5:6'), { uid: 5, gid: 6, additionalGids: [] });
      await assert.rejects(resolveProcessUser(root, 'alice'), /unable to find user alice/);
    });
  } finally {
    await rm(outside, { recursive: true, force: true });
  }
});
