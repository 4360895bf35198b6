import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkVolumeDriver, decodeConfigVolumes, decodeVolumesFrom } from './container-volumes.js';

test('Config.Volumes: cleaned absolute paths; relative, NUL and "/" are 400s naming the field', () => {
  assert.deepEqual(decodeConfigVolumes({ '/data/': {}, '/a//b/../c': {} }), ['/data', '/a/c']);
  assert.deepEqual(decodeConfigVolumes(null), []);
  assert.throws(() => decodeConfigVolumes({ data: {} }), /Config.Volumes: invalid volume "data": the path must be absolute/);
  assert.throws(() => decodeConfigVolumes({ '/a/..': {} }), /path can't be '\/'/);
  assert.throws(() => decodeConfigVolumes({ '/x\0': {} }), /must be absolute/);
  assert.throws(() => decodeConfigVolumes(['/data']), /Config.Volumes must be an object/);
});

test('VolumesFrom: container with an optional ro/rw; anything else is a 400', () => {
  assert.deepEqual(decodeVolumesFrom(['web', 'db:ro', 'c:rw']), [{ container: 'web', mode: '' }, { container: 'db', mode: 'ro' }, { container: 'c', mode: 'rw' }]);
  assert.throws(() => decodeVolumesFrom([':ro']), /malformed volumes-from specification/);
  assert.throws(() => decodeVolumesFrom(['a:b:c']), /malformed volumes-from specification/);
  assert.throws(() => decodeVolumesFrom(['a:rx']), /invalid mode for volumes-from: "rx"/);
  assert.throws(() => decodeVolumesFrom('web'), /must be an array of strings/);
});

test('VolumeDriver: "" and local only', () => {
  checkVolumeDriver('');
  checkVolumeDriver('local');
  checkVolumeDriver(null);
  assert.throws(() => checkVolumeDriver('flocker'), /conet does not support the volume driver "flocker"/);
});
