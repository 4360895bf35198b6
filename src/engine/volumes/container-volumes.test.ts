import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container } from '../../model/container.js';
import type { MountSpec, VolumeMountSpec } from '../../model/mounts.js';
import { MemoryStore } from '../../store/index.js';
import { createLogger } from '../../util/logger.js';
import { UndoStack } from '../../util/undo.js';
import { ContainerVolumes } from './container-volumes.js';
import { FakeVolumeHost } from './fake-volume-host.test-support.js';
import { VolumeService } from './volume-service.js';

const named = (name: string, destination: string, extra: Partial<VolumeMountSpec> = {}): VolumeMountSpec => ({
  type: 'volume', name, driver: '', driverOptions: {}, labels: {}, noCopy: false, subpath: '', destination, readOnly: false, mode: '', origin: 'binds', ...extra,
});
const bind = (source: string, destination: string): MountSpec => ({
  type: 'bind', source, destination, readOnly: false, propagation: 'rprivate', createSource: true, nonRecursive: false, mode: '', origin: 'binds',
});
const containerWith = (id: string, name: string, mounts: MountSpec[]): Container => ({ id, name, hostConfig: { mounts } } as unknown as Container);

function fixture() {
  const containers: Container[] = [];
  const copies: Array<[string, string, string]> = [];
  const host = new FakeVolumeHost();
  let parts: ContainerVolumes | undefined;
  const volumes = new VolumeService({ store: new MemoryStore(), host, users: { usersOf: (name) => parts!.usersOf(name) } });
  parts = new ContainerVolumes({
    volumes,
    containers: { find: (reference) => containers.find((container) => container.name === reference || container.id === reference), all: () => containers },
    copyUp: async (id, destination, directory) => void copies.push([id, destination, directory]),
  });
  return { containers, copies, volumes, parts, host };
}

const request = (mounts: MountSpec[], extra: { configVolumes?: string[]; imageVolumes?: string[]; volumesFrom?: Array<{ container: string; mode: '' | 'ro' | 'rw' }> } = {}) =>
  ({ mounts, configVolumes: extra.configVolumes ?? [], imageVolumes: extra.imageVolumes ?? [], volumesFrom: extra.volumesFrom ?? [] });

test('plan: named volumes are made when missing, anonymous ones for -v /path and the image, own mounts win', async () => {
  const { volumes, parts } = fixture();
  await volumes.create({ name: 'existing', driver: '', options: {}, labels: {} });
  const mounts = await parts.plan(request([named('existing', '/a'), named('fresh', '/b'), named('', '/c'), bind('/srv', '/data')], { configVolumes: ['/d', '/a'], imageVolumes: ['/data', '/e'] }), new UndoStack());
  assert.deepEqual(mounts.map((mount) => [mount.destination, mount.origin]), [['/a', 'binds'], ['/b', 'binds'], ['/c', 'binds'], ['/data', 'binds'], ['/d', 'volumes'], ['/e', 'image']]);
  const names = mounts.map((mount) => (mount.type === 'volume' ? mount.name : mount.type === 'bind' ? mount.source : ''));
  assert.deepEqual(names.slice(0, 2), ['existing', 'fresh']);
  for (const name of [names[2], names[4], names[5]]) assert.match(name!, /^[0-9a-f]{64}$/);
  assert.deepEqual(volumes.all().map((volume) => [volume.name === 'existing' || volume.name === 'fresh' ? volume.name : 'anon', volume.anonymous]).sort(),
    [['anon', true], ['anon', true], ['anon', true], ['existing', false], ['fresh', false]]);
});

test('plan: a failed create rolls back the volumes it made, and only those', async () => {
  const { volumes, parts } = fixture();
  await volumes.create({ name: 'existing', driver: '', options: {}, labels: {} });
  const undo = new UndoStack();
  await parts.plan(request([named('existing', '/a'), named('fresh', '/b')], { imageVolumes: ['/c'] }), undo);
  await undo.rollback(createLogger('error'));
  assert.deepEqual(volumes.all().map((volume) => volume.name), ['existing']);
  await assert.rejects(parts.plan(request([named('bad/name', '/x')]), new UndoStack()), /invalid characters/);
});

test('plan: --volumes-from copies binds and volumes at free destinations, :ro/:rw over their mode; a missing source is a 404', async () => {
  const { containers, parts } = fixture();
  containers.push(containerWith('c1', 'source', [named('shared', '/shared'), bind('/srv', '/srv'), { type: 'tmpfs', destination: '/run', readOnly: false, origin: 'tmpfs', options: [] }]));
  const plain = await parts.plan(request([], { volumesFrom: [{ container: 'source', mode: '' }] }), new UndoStack());
  assert.deepEqual(plain.map((mount) => [mount.destination, mount.readOnly, mount.origin]), [['/shared', false, 'volumes-from'], ['/srv', false, 'volumes-from']]);
  const readOnly = await parts.plan(request([bind('/other', '/srv')], { volumesFrom: [{ container: 'c1', mode: 'ro' }] }), new UndoStack());
  assert.deepEqual(readOnly.map((mount) => [mount.destination, mount.readOnly, mount.origin]), [['/srv', false, 'binds'], ['/shared', true, 'volumes-from']]);
  await assert.rejects(parts.plan(request([], { volumesFrom: [{ container: 'ghost', mode: '' }] }), new UndoStack()), /No such container: ghost/);
});

test('users, start and rm -v: in use by any container; copy-up unless nocopy; only unshared anonymous volumes go', async () => {
  const { containers, copies, volumes, parts } = fixture();
  const mounts = await parts.plan(request([named('keep', '/keep'), named('', '/anon', { noCopy: true })], { imageVolumes: ['/img'] }), new UndoStack());
  const first = containerWith('c1', 'first', mounts);
  containers.push(first);
  const [, anon, img] = mounts as VolumeMountSpec[];
  assert.deepEqual(parts.usersOf('keep'), ['c1']);
  await assert.rejects(volumes.remove('keep'), /volume is in use - \[c1\]/);
  assert.equal(await parts.sourceFor(img!, 'c1'), `/var/lib/conet/volumes/${img!.name}/_data`);
  await parts.sourceFor(anon!, 'c1');
  assert.deepEqual(copies, [['c1', '/img', `/var/lib/conet/volumes/${img!.name}/_data`]], 'nocopy skips the copy');
  containers.push(containerWith('c2', 'second', [{ ...img!, origin: 'volumes-from' }]));
  containers.splice(0, 1);
  await parts.removeAnonymous(first);
  assert.deepEqual(volumes.all().map((volume) => volume.name).sort(), ['keep', img!.name].sort(), 'the shared anonymous volume and the named one stay');
});
