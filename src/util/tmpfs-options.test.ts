import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeTmpfsOptions, parseTmpfsOptions, TMPFS_DEFAULTS, tmpfsOptionsOf } from './tmpfs-options.js';

test("tmpfs options merge as Docker's MergeTmpfsOptions: the last of a kind wins, order kept", () => {
  assert.deepEqual(mergeTmpfsOptions([...TMPFS_DEFAULTS, 'exec', 'size=1m', 'size=2m', 'defaults', 'shared']), ['nosuid', 'nodev', 'exec', 'size=2m', 'shared']);
  assert.deepEqual(mergeTmpfsOptions([...TMPFS_DEFAULTS, 'ro']), ['noexec', 'nosuid', 'nodev', 'rprivate', 'ro']);
});

test('--mount tmpfs options as ConvertTmpfsOptions writes them', () => {
  assert.deepEqual(tmpfsOptionsOf(true, 0o1770, 3 * 1024 ** 3), ['ro', 'mode=1770', 'size=3g']);
  assert.deepEqual(tmpfsOptionsOf(false, 0, 1536 * 1024), ['size=1536k']);
  assert.deepEqual(tmpfsOptionsOf(false, 0, 1000), ['size=1000']);
  assert.deepEqual(tmpfsOptionsOf(false, 0, 0), []);
});

test('each option is known and well formed', () => {
  assert.deepEqual(parseTmpfsOptions('', 'w'), []);
  assert.deepEqual(parseTmpfsOptions('size=50%,uid=1000,gid=1000,nr_inodes=1k,noatime,mpol=interleave:0-1', 'w'), ['size=50%', 'uid=1000', 'gid=1000', 'nr_inodes=1k', 'noatime', 'mpol=interleave:0-1']);
  for (const bad of ['size=64m,', 'remount', 'bind', 'uid=-1', 'mode=8', 'size=1t', 'upperdir=/x', 'size=1m\nx', '__proto__', 'constructor=1']) {
    assert.throws(() => parseTmpfsOptions(bad, 'w'), { kind: 'invalid' }, bad);
  }
});
