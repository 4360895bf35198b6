import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deviceNumbers, listHostDevices } from './host-devices.js';

test("dev_t splits as glibc's major/minor, large numbers included", () => {
  assert.deepEqual(deviceNumbers(0x0103), { major: 1, minor: 3 });
  assert.deepEqual(deviceNumbers(0xfe00), { major: 254, minor: 0 });
  // major 259 (blkext), minor 1048576: the high bits of both.
  assert.deepEqual(deviceNumbers(Number((259n & 0xfffn) << 8n | ((1048576n & ~0xffn) << 12n) | (1048576n & 0xffn))), { major: 259, minor: 1048576 });
});

test("the host's /dev: character devices with their numbers; console, pts and links left out", async () => {
  const devices = await listHostDevices();
  assert.deepEqual(devices.find((device) => device.path === '/dev/null'), { path: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 });
  assert.ok(!devices.some((device) => device.path === '/dev/console' || device.path.startsWith('/dev/pts/') || device.path.startsWith('/dev/shm/')));
});

test('a tree without devices lists none: files and symlinks are not devices', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'conet-devices-'));
  try {
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'file'), '');
    await symlink('/dev/null', join(dir, 'null'));
    assert.deepEqual(await listHostDevices(dir), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
