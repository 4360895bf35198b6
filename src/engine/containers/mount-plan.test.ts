import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MountSpec } from '../../model/mounts.js';
import { checkBindSources, runtimeMounts } from './mount-plan.js';

const bind = (extra: Partial<MountSpec> = {}): MountSpec => ({ type: 'bind', source: '/srv', destination: '/mnt', readOnly: false, propagation: 'rprivate', createSource: true, nonRecursive: false, mode: '', origin: 'binds', ...extra } as MountSpec);
const volume: MountSpec = { type: 'volume', name: 'pg', driver: '', driverOptions: {}, labels: {}, noCopy: false, subpath: '', destination: '/data', readOnly: true, mode: '', origin: 'binds' };

test("runtime mounts as Docker's WithMounts: rbind/bind, ro, propagation; tmpfs under Docker's defaults; read-only all the way down unless asked not to; a volume is a bind of its directory", async () => {
  const mounts = await runtimeMounts([
    bind(), bind({ readOnly: true, nonRecursive: true, propagation: 'rshared', destination: '/b' } as Partial<MountSpec>),
    bind({ readOnly: true, destination: '/c' }), bind({ readOnly: true, readOnlyNonRecursive: true, destination: '/d' } as Partial<MountSpec>),
    { type: 'tmpfs', destination: '/run', readOnly: false, origin: 'tmpfs', options: ['exec', 'size=1m'] },
    volume,
  ], 'c1', { sourceFor: async (spec, id) => `/volumes/${spec.type === 'volume' ? spec.name : ''}/${id}` });
  assert.deepEqual(mounts.map((mount) => [mount.type, mount.source, mount.destination, mount.options.join(',')]), [
    ['bind', '/srv', '/mnt', 'rbind,rprivate'],
    ['bind', '/srv', '/b', 'bind,ro,rshared'],
    ['bind', '/srv', '/c', 'rbind,ro,rro,rprivate'],
    ['bind', '/srv', '/d', 'rbind,ro,rprivate'],
    ['tmpfs', 'tmpfs', '/run', 'nosuid,nodev,rprivate,exec,size=1m'],
    ['bind', '/volumes/pg/c1', '/data', 'rbind,ro'],
  ]);
  assert.equal(mounts[1]?.propagation, 'rshared');
  await assert.rejects(runtimeMounts([volume], 'c1'), { kind: 'not-implemented' });
});

test('create: a --mount bind source must exist (unless made at start), a -v one need not', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'conet-mount-plan-'));
  try {
    await checkBindSources([bind({ source: join(dir, 'missing') } as Partial<MountSpec>), bind({ source: dir, createSource: false, origin: 'mounts' } as Partial<MountSpec>)]);
    await assert.rejects(checkBindSources([bind({ source: join(dir, 'missing'), createSource: false, origin: 'mounts' } as Partial<MountSpec>)]),
      { kind: 'invalid', message: `HostConfig.Mounts: invalid mount config for type "bind": bind source path does not exist: ${dir}/missing` });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
