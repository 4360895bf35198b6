import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMounts } from './mounts.js';
import { decodeContainerCreate } from './container-create.js';

const invalidWith = (message: string | RegExp) => ({ kind: 'invalid', message });

test('-v: binds as Docker parses them (mode, propagation, cleaned paths), volumes in their own variant', () => {
  const [plain, ro, shared, volume, anonymous] = decodeMounts({ Binds: ['/srv//data/:/mnt/', '/a:/b:ro', '/c:/d:rw,rshared,z', 'pg:/var/lib/pg:nocopy', '/anon'] });
  assert.deepEqual(plain, { type: 'bind', source: '/srv/data', destination: '/mnt', readOnly: false, propagation: 'rprivate', createSource: true, nonRecursive: false, mode: '', origin: 'binds' });
  assert.equal(ro?.readOnly, true);
  assert.equal(ro?.type === 'bind' && ro.mode, 'ro');
  assert.equal(shared?.type === 'bind' && shared.propagation, 'rshared');
  assert.equal(shared?.readOnly, false);
  assert.deepEqual(volume, { type: 'volume', name: 'pg', driver: '', driverOptions: {}, labels: {}, noCopy: true, subpath: '', destination: '/var/lib/pg', readOnly: false, mode: 'nocopy', origin: 'binds' });
  assert.equal(anonymous?.type === 'volume' && anonymous.name, '');
});

test('-v: bad specs are 400s with Docker\'s words, naming HostConfig.Binds', () => {
  const cases: Array<[string, string]> = [
    ['/a:/b:/c:/d', "HostConfig.Binds: invalid volume specification: '/a:/b:/c:/d'"],
    ['/foo:ro', "HostConfig.Binds: invalid volume specification: '/foo:ro'"],
    ['/foo:', "HostConfig.Binds: invalid volume specification: '/foo:'"],
    ['/a:/b:rw,ro', 'HostConfig.Binds: invalid mode: rw,ro'],
    ['/a:/b:bogus', 'HostConfig.Binds: invalid mode: bogus'],
    ['/a:rel', `HostConfig.Binds: invalid mount config for type "bind": invalid mount path: 'rel' mount path must be absolute`],
    ['/a:/', `HostConfig.Binds: invalid mount config for type "bind": invalid specification: destination can't be '/'`],
    ['/a:/b:nocopy', 'HostConfig.Binds: invalid mount config for type "bind": field VolumeOptions must not be specified'],
    ['v:/b:rshared', 'HostConfig.Binds: invalid mount config for type "volume": field BindOptions must not be specified'],
    ['/a/../..:/b/../..', `HostConfig.Binds: invalid mount config for type "bind": invalid specification: destination can't be '/'`],
  ];
  for (const [raw, message] of cases) assert.throws(() => decodeMounts({ Binds: [raw] }), invalidWith(message), raw);
  assert.throws(() => decodeMounts({ Binds: ['/a\0b:/x'] }), invalidWith(/NUL byte/));
  assert.throws(() => decodeMounts({ Binds: '/a:/b' }), invalidWith('HostConfig.Binds must be an array of strings'));
});

test('--mount: bind and tmpfs entries, each option checked, the field named', () => {
  const [bind, tmpfs] = decodeMounts({ Mounts: [
    { Type: 'bind', Source: '/srv', Target: '/mnt', ReadOnly: true, BindOptions: { Propagation: 'rslave', NonRecursive: true, CreateMountpoint: true }, Consistency: 'default' },
    { Type: 'tmpfs', Target: '/run/x', TmpfsOptions: { SizeBytes: 64 * 1024 * 1024, Mode: 0o1770, Options: [['exec'], ['nr_inodes', '100']] } },
  ] });
  assert.deepEqual(bind, { type: 'bind', source: '/srv', destination: '/mnt', readOnly: true, propagation: 'rslave', createSource: true, nonRecursive: true, mode: '', origin: 'mounts' });
  const [writableBelow] = decodeMounts({ Mounts: [{ Type: 'bind', Source: '/s', Target: '/x', ReadOnly: true, BindOptions: { ReadOnlyNonRecursive: true } }] });
  assert.equal(writableBelow?.type === 'bind' && writableBelow.readOnlyNonRecursive, true);
  assert.deepEqual(tmpfs, { type: 'tmpfs', destination: '/run/x', readOnly: false, origin: 'mounts', options: ['mode=1770', 'size=64m', 'exec', 'nr_inodes=100'] });
  const cases: Array<[unknown, string | RegExp]> = [
    [{ Type: 'bind', Target: '/x' }, 'HostConfig.Mounts[0]: invalid mount config for type "bind": field Source must not be empty'],
    [{ Type: 'bind', Source: '/s' }, 'HostConfig.Mounts[0]: invalid mount config for type "bind": field Target must not be empty'],
    [{ Type: 'bind', Source: 'rel', Target: '/x' }, /type "bind": invalid mount path: 'rel' mount path must be absolute/],
    [{ Type: 'bind', Source: '/s', Target: '/x', TmpfsOptions: { SizeBytes: 1 } }, /type "bind": field TmpfsOptions must not be specified/],
    [{ Type: 'bind', Source: '/s', Target: '/x', BindOptions: { Propagation: 'weird' } }, /invalid propagation mode: weird/],
    [{ Type: 'bind', Source: '/s', Target: '/x', BindOptions: { ReadOnlyForceRecursive: true } }, /option 'ReadOnlyForceRecursive' requires 'ReadOnly' to be specified in conjunction/],
    [{ Type: 'bind', Source: '/s', Target: '/x', ReadOnly: true, BindOptions: { ReadOnlyForceRecursive: true, Propagation: 'rslave' } }, /requires 'BindOptions.Propagation' to be 'rprivate'/],
    [{ Type: 'bind', Source: '/s', Target: '/x', ReadOnly: true, BindOptions: { ReadOnlyForceRecursive: true, NonRecursive: true } }, /conflicts with 'ReadOnlyNonRecursive' and 'NonRecursive'/],
    [{ Type: 'bind', Source: '/s', Target: '/x', BindOptions: { ReadOnlyNonRecursive: true } }, /option 'ReadOnlyNonRecursive' requires 'ReadOnly'/],
    [{ Type: 'tmpfs', Source: '/s', Target: '/x' }, 'HostConfig.Mounts[0]: invalid mount config for type "tmpfs": field Source must not be specified'],
    [{ Type: 'tmpfs', Target: '/x', TmpfsOptions: { SizeBytes: -1 } }, /HostConfig\.Mounts\[0\]\.TmpfsOptions\.SizeBytes must be an integer/],
    [{ Type: 'tmpfs', Target: '/x', TmpfsOptions: { Mode: 0o17777 } }, /TmpfsOptions\.Mode must be an integer from 0 to 4095/],
    [{ Type: 'tmpfs', Target: '/x', TmpfsOptions: { Options: [['bind']] } }, /TmpfsOptions\.Options: invalid tmpfs option "bind"/],
    [{ Type: 'npipe', Source: 'x', Target: '/x' }, 'HostConfig.Mounts[0]: invalid mount config for type "npipe": mount type unknown'],
    [{ Type: 'image', Source: 'busybox', Target: '/x' }, /conet does not support HostConfig\.Mounts\[0\]\.Type \(--mount type=image\)/],
    ['bind', 'HostConfig.Mounts[0] must be an object'],
  ];
  for (const [entry, message] of cases) assert.throws(() => decodeMounts({ Mounts: [entry] }), invalidWith(message), JSON.stringify(entry));
});

test('--tmpfs: options checked and kept; ro seen; bad options and paths are 400s naming the destination', () => {
  const [run, ro] = decodeMounts({ Tmpfs: { '/run': 'size=64m,mode=1777,exec', '/ro': 'rw,ro' } });
  assert.deepEqual(run, { type: 'tmpfs', destination: '/run', readOnly: false, origin: 'tmpfs', options: ['size=64m', 'mode=1777', 'exec'] });
  assert.equal(ro?.readOnly, true);
  assert.throws(() => decodeMounts({ Tmpfs: { '/x': 'size=64m,bogus' } }), invalidWith('HostConfig.Tmpfs["/x"]: invalid tmpfs option "bogus"'));
  assert.throws(() => decodeMounts({ Tmpfs: { '/x': 'size=lots' } }), invalidWith('HostConfig.Tmpfs["/x"]: invalid value for tmpfs option "size=lots"'));
  assert.throws(() => decodeMounts({ Tmpfs: { '/x': 'mode=999' } }), invalidWith(/invalid value for tmpfs option "mode=999"/));
  assert.throws(() => decodeMounts({ Tmpfs: { x: '' } }), invalidWith(/HostConfig\.Tmpfs\["x"\]: invalid mount config for type "tmpfs": invalid mount path: 'x'/));
  assert.throws(() => decodeMounts({ Tmpfs: { '/x': 5 } }), invalidWith('HostConfig.Tmpfs["/x"] must be a string'));
});

test('one destination twice is a 400; volumes, Config.Volumes and VolumesFrom decode for the engine', () => {
  assert.throws(() => decodeMounts({ Binds: ['/a:/x'], Tmpfs: { '/x/': '' } }), invalidWith('Duplicate mount point: /x'));
  const decoded = decodeContainerCreate({ Image: 'busybox', Volumes: { '/anon/': {} }, HostConfig: { Binds: ['/tmp:/mnt:ro', 'pg:/data'], Tmpfs: { '/run': '' }, VolumesFrom: ['web:ro'], VolumeDriver: 'local' } });
  assert.deepEqual(decoded.hostConfig.mounts?.map((spec) => `${spec.type}:${spec.destination}`), ['bind:/mnt', 'volume:/data', 'tmpfs:/run']);
  assert.deepEqual([decoded.config.volumes, decoded.hostConfig.volumesFrom], [['/anon'], [{ container: 'web', mode: 'ro' }]]);
  assert.throws(() => decodeContainerCreate({ Image: 'busybox', HostConfig: { VolumeDriver: 'nfs' } }), invalidWith(/HostConfig\.VolumeDriver: conet does not support the volume driver "nfs"/));
});
