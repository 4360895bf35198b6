import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareMounts } from './mount-setup.js';
import { buildOciSpec } from './oci-spec.js';
import { confinementOf } from './confinement.js';
import { DEFAULT_SECURITY } from '../../model/security.js';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'conet-mount-setup-'));
  try {
    await mkdir(join(dir, 'root/etc'), { recursive: true });
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('prepared mounts: -v makes its source, --mount needs one, destinations resolved in the root, parents first', async () => {
  await withDir(async (dir) => {
    const root = join(dir, 'root');
    await symlink(join(dir, 'host'), join(root, 'evil'));
    const prepared = await prepareMounts(root, [
      { type: 'bind', source: join(dir, 'made/by/v'), destination: '/evil/deeper', options: ['rbind', 'rprivate'], createSource: true },
      { type: 'tmpfs', source: 'tmpfs', destination: '/evil', options: ['size=1m'] },
    ]);
    assert.ok((await stat(join(dir, 'made/by/v'))).isDirectory(), '-v made the missing source');
    assert.deepEqual(prepared.mounts.map((mount) => mount.destination), [`${dir}/host`, `${dir}/host/deeper`], 'inside the root, parents first');
    assert.equal(prepared.rootfsPropagation, undefined);
    assert.deepEqual((await readdir(dir)).sort(), ['made', 'root'], 'no host directory was made through the symlink');
    await assert.rejects(prepareMounts(root, [{ type: 'bind', source: join(dir, 'gone'), destination: '/x', options: ['rbind'] }]),
      { kind: 'invalid', message: `invalid mount config for type "bind": bind source path does not exist: ${dir}/gone` });
    await symlink('../..', join(root, 'top'));
    await assert.rejects(prepareMounts(root, [{ type: 'tmpfs', source: 'tmpfs', destination: '/top', options: [] }]), /leads to \/ inside the container/);
  });
});

test('the OCI spec: own mounts after the defaults they replace (/dev replaces every /dev/* one), root propagation', () => {
  const host = { arch: 'amd64', kernel: { kernel: 6, major: 1 } };
  const confinement = confinementOf(DEFAULT_SECURITY, { add: [], drop: [] }, { appArmor: false, host });
  const spec = buildOciSpec({
    rootfs: '/c/merged', args: ['true'], env: [], cwd: '', hostname: 'h', terminal: false, confinement, etc: { hosts: '/c/hosts' },
    mounts: [{ destination: '/etc/hosts', type: 'bind', source: '/mine', options: ['rbind', 'ro'] }, { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: [] }],
    rootfsPropagation: 'shared',
  }) as { mounts: Array<{ destination: string; source: string }>; linux: { rootfsPropagation?: string } };
  assert.deepEqual(spec.mounts.map((mount) => `${mount.destination}=${mount.source}`), ['/proc=proc', '/sys=sysfs', '/sys/fs/cgroup=cgroup', '/etc/hosts=/mine', '/dev=tmpfs']);
  assert.equal(spec.linux.rootfsPropagation, 'shared');
});
