import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isEngineError } from '../../errors/index.js';
import { decodeLocalOptions } from './local-options.js';

const refused = (options: Record<string, string>, pattern: RegExp) =>
  assert.throws(() => decodeLocalOptions(options), (error) => isEngineError(error) && error.kind === 'invalid' && pattern.test(error.message));

test('local options: none is a directory; bind and tmpfs decode to typed backings', () => {
  assert.deepEqual(decodeLocalOptions({}), { kind: 'directory' });
  assert.deepEqual(decodeLocalOptions({ type: 'none', o: 'bind', device: '/srv/data/' }), { kind: 'bind', device: '/srv/data' });
  assert.deepEqual(decodeLocalOptions({ type: 'none', o: 'rbind,rw', device: '/' }), { kind: 'bind', device: '/' });
  assert.deepEqual(decodeLocalOptions({ type: 'tmpfs', device: 'tmpfs', o: 'size=64m,mode=1777' }), { kind: 'tmpfs', size: 64 * 1024 * 1024, mode: 0o1777 });
  assert.deepEqual(decodeLocalOptions({ type: 'tmpfs' }), { kind: 'tmpfs' });
});

test('local options: other types, keys, mount options and hostile devices are 400s naming them', () => {
  refused({ type: 'nfs', o: 'addr=10.0.0.1', device: ':/export' }, /type "nfs" is not supported/);
  refused({ type: 'ext4', device: '/dev/sda1' }, /type "ext4"/);
  refused({ size: '10G' }, /invalid option: "size"/);
  refused({ device: '/srv' }, /missing required option: "type"/);
  refused({ type: 'none', device: '/srv' }, /needs o=bind/);
  refused({ type: 'none', o: 'bind,suid', device: '/srv' }, /"suid" is not supported/);
  refused({ type: 'none', o: 'bind', device: 'relative/dir' }, /absolute, normalized/);
  refused({ type: 'none', o: 'bind', device: '/srv/../etc' }, /absolute, normalized/);
  refused({ type: 'none', o: 'bind', device: '/srv\0x' }, /absolute, normalized/);
  refused({ type: 'tmpfs', o: 'size=lots' }, /tmpfs size "lots"/);
  refused({ type: 'tmpfs', o: 'size=0' }, /tmpfs size "0"/);
  refused({ type: 'tmpfs', o: 'uid=0' }, /"uid=0" is not supported/);
  refused({ type: 'tmpfs', device: '/dev/sda' }, /means nothing for type=tmpfs/);
});
