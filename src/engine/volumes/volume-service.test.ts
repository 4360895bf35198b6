import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isEngineError } from '../../errors/index.js';
import { MemoryStore } from '../../store/index.js';
import { FakeVolumeHost } from './fake-volume-host.test-support.js';
import { VolumeService } from './volume-service.js';

function fixture(users: Record<string, string[]> = {}) {
  const store = new MemoryStore();
  const host = new FakeVolumeHost();
  const events: string[] = [];
  const bus = { emit: (type: string, action: string, actor: { id: string; attributes?: Readonly<Record<string, string>> }) => void events.push(`${type} ${action} ${actor.id} ${JSON.stringify(actor.attributes ?? {})}`) };
  const volumes = new VolumeService({ store, host, users: { usersOf: (name) => users[name] ?? [] }, bus });
  return { store, host, volumes, users, events };
}

const request = (name: string, extra: { options?: Record<string, string>; labels?: Record<string, string>; driver?: string } = {}) =>
  ({ name, driver: extra.driver ?? '', options: extra.options ?? {}, labels: extra.labels ?? {} });

const kindOf = async (promise: Promise<unknown> | (() => unknown)): Promise<string> => {
  try {
    await (typeof promise === 'function' ? promise() : promise);
    return 'ok';
  } catch (error) {
    return isEngineError(error) ? `${error.kind}: ${error.message}` : String(error);
  }
};

test('volumes: create stores the record and the directory; a second create returns the first; a restart reloads it', async () => {
  const { store, host, volumes } = fixture();
  const made = await volumes.create(request('data', { labels: { app: 'db' } }));
  assert.deepEqual([made.name, made.driver, made.anonymous, made.labels], ['data', 'local', false, { app: 'db' }]);
  assert.match(made.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(host.prepared.has('data'));
  assert.equal(await volumes.create(request('data', { labels: { other: 'x' } })), made, 'an existing name is returned as it is');
  const again = new VolumeService({ store, host, users: { usersOf: () => [] } });
  await again.load();
  assert.deepEqual(again.inspect('data'), made);
});

test('volumes: no name makes an anonymous volume with a 64-hex name and the anonymous label', async () => {
  const { volumes } = fixture();
  const made = await volumes.createAnonymous();
  assert.match(made.name, /^[0-9a-f]{64}$/);
  assert.deepEqual([made.anonymous, made.labels], [true, { 'com.docker.volume.anonymous': '' }]);
});

test('volumes: bad names, drivers and options are 400s that leave nothing', async () => {
  const { store, host, volumes } = fixture();
  for (const name of ['a', '../etc', '.hidden', 'a/b', '-x', 'x'.repeat(256), 'na\0me']) {
    assert.match(await kindOf(() => volumes.create(request(name))), /^invalid: create .*includes invalid characters/, name);
  }
  assert.match(await kindOf(() => volumes.create(request('v1', { driver: 'nfs' }))), /^invalid: .*driver "nfs" is not supported/);
  assert.match(await kindOf(() => volumes.create(request('v1', { options: { type: 'nfs' } }))), /^invalid: .*type "nfs"/);
  assert.match(await kindOf(() => volumes.create(request('v1', { options: { type: 'none', o: 'bind', device: '/nope' } }))), /^invalid: .*not a directory/);
  assert.deepEqual([await store.list('volume'), host.prepared.size], [[], 0]);
});

test('volumes: remove refuses a volume in use with Docker\'s 409; -f forgives only a missing one', async () => {
  const { volumes, users, host } = fixture();
  await volumes.create(request('data'));
  users['data'] = ['c1'];
  assert.equal(await kindOf(volumes.remove('data')), 'conflict: remove data: volume is in use - [c1]');
  assert.equal(await kindOf(volumes.remove('data', true)), 'conflict: remove data: volume is in use - [c1]');
  assert.equal(await kindOf(volumes.remove('ghost')), 'not-found: get ghost: no such volume');
  assert.equal(await kindOf(volumes.remove('ghost', true)), 'ok');
  users['data'] = [];
  host.failRemove = true;
  assert.match(await kindOf(volumes.remove('data')), /busy/);
  assert.equal(volumes.inspect('data').name, 'data', 'a mount that would not go keeps the record');
  host.failRemove = false;
  await volumes.remove('data');
  assert.equal(await kindOf(() => volumes.inspect('data')), 'not-found: get data: no such volume');
});

test('volumes: list filters name, driver, label and dangling', async () => {
  const { volumes, users } = fixture();
  await volumes.create(request('web-data', { labels: { app: 'web', tier: 'front' } }));
  await volumes.create(request('db-data', { labels: { app: 'db' } }));
  users['db-data'] = ['c1'];
  const names = (filters: unknown) => volumes.list(JSON.stringify(filters)).map((volume) => volume.name);
  assert.deepEqual(names({ name: { web: true } }), ['web-data']);
  assert.deepEqual(names({ label: { app: true } }), ['web-data', 'db-data']);
  assert.deepEqual(names({ label: { 'app=db': true } }), ['db-data']);
  assert.deepEqual(names({ dangling: { true: true } }), ['web-data']);
  assert.deepEqual(names({ dangling: { false: true } }), ['db-data']);
  assert.deepEqual(names({ driver: { local: true } }), ['web-data', 'db-data']);
  assert.deepEqual(names({ driver: { loc: true } }), []);
  assert.match(await kindOf(() => names({ until: { '1h': true } })), /^invalid: invalid filter 'until'/);
  assert.match(await kindOf(() => names({ dangling: { maybe: true } })), /^invalid: invalid filter 'dangling=maybe'/);
});

test('volumes: prune keeps volumes in use; from API 1.42 only anonymous ones unless all=true', async () => {
  const { volumes, users } = fixture();
  await volumes.create(request('named', { labels: { keep: 'no' } }));
  await volumes.create(request('busy'));
  const anonymous = await volumes.createAnonymous();
  users['busy'] = ['c1'];
  assert.deepEqual((await volumes.prune(null, '1.50')).removed, [anonymous.name]);
  assert.deepEqual((await volumes.prune(JSON.stringify({ 'label!': { keep: true } }), '1.41')).removed, []);
  assert.deepEqual((await volumes.prune(JSON.stringify({ all: { true: true } }), '1.50')).removed, ['named']);
  assert.deepEqual(volumes.all().map((volume) => volume.name), ['busy']);
});

test('volumes: claim mounts a bind or tmpfs backing at the mountpoint', async () => {
  const { volumes, host } = fixture();
  await volumes.create(request('bound', { options: { type: 'none', o: 'bind', device: '/srv/data' } }));
  await volumes.create(request('plain'));
  assert.equal(await volumes.claim('bound'), '/var/lib/conet/volumes/bound/_data');
  await volumes.claim('plain');
  assert.deepEqual([...host.mounted.keys()], ['bound']);
});

test('volumes: events for create, mount and destroy (docker events)', async () => {
  const { volumes, events } = fixture();
  await volumes.create(request('data'));
  await volumes.create(request('data'));
  await volumes.claim('data', { container: 'c1', destination: '/data', readOnly: true });
  await volumes.remove('data');
  assert.deepEqual(events, [
    'volume create data {"driver":"local"}',
    'volume mount data {"driver":"local","container":"c1","destination":"/data","read/write":"false","propagation":""}',
    'volume destroy data {"driver":"local"}',
  ]);
});
