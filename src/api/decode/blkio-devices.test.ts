import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBlkioDevices } from './blkio-devices.js';

const all = { cpusetCpus: '0-1', cpusetMems: '0', blkioWeight: false, blkioDevices: { weight: false, readBps: true, writeBps: true, readIOps: true, writeIOps: true } };

test('per-device blkio options: decoded where the kernel has the file, dropped with Docker\'s warning where not', () => {
  const warnings: string[] = [];
  const devices = decodeBlkioDevices({
    BlkioWeightDevice: [{ Path: '/dev/vda', Weight: 300 }],
    BlkioDeviceReadBps: [{ Path: '/dev/vda', Rate: 1048576 }],
    BlkioDeviceWriteIOps: [{ Path: '/dev/disk/by-id/x', Rate: 100 }],
    BlkioDeviceReadIOps: null, BlkioDeviceWriteBps: [],
  }, 'HostConfig.', all, warnings);
  assert.deepEqual(devices, { weight: [], readBps: [{ path: '/dev/vda', value: 1048576 }], writeBps: [], readIOps: [], writeIOps: [{ path: '/dev/disk/by-id/x', value: 100 }] });
  assert.deepEqual(warnings, ['Your kernel does not support Block I/O weight_device or the cgroup is not mounted. Weight-device discarded.']);
  assert.equal(decodeBlkioDevices({ BlkioDeviceReadBps: [] }, 'HostConfig.', all, []), undefined, 'nothing asked');
  const none: string[] = [];
  assert.equal(decodeBlkioDevices({ BlkioDeviceReadBps: [{ Path: '/dev/vda', Rate: 1 }] }, 'HostConfig.', undefined, none), undefined);
  assert.match(none[0] ?? '', /Block I\/O BPS read limit discarded/);
});

test('bad per-device values are 400s naming the field', () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ BlkioDeviceReadBps: [{ Path: '/etc/passwd', Rate: 1 }] }, /HostConfig\.BlkioDeviceReadBps\[0\]\.Path must be a device path under \/dev\//],
    [{ BlkioDeviceReadBps: [{ Path: '/dev/../etc/passwd', Rate: 1 }] }, /must be a device path/],
    [{ BlkioDeviceReadBps: [{ Path: '/dev/vda', Rate: -1 }] }, /Rate must be a non-negative integer/],
    [{ BlkioDeviceReadBps: [{ Path: '/dev/vda', Rate: '1mb' }] }, /Rate must be a non-negative integer/],
    [{ BlkioWeightDevice: [{ Path: '/dev/vda', Weight: 5 }] }, /invalid weight for device: 5/],
    [{ BlkioDeviceWriteBps: 'x' }, /must be a list/],
    [{ BlkioDeviceWriteBps: Array.from({ length: 65 }, () => ({ Path: '/dev/vda', Rate: 1 })) }, /more than 64 devices/],
  ];
  for (const [host, message] of cases) assert.throws(() => decodeBlkioDevices(host, 'HostConfig.', all, []), { kind: 'invalid', message }, JSON.stringify(host).slice(0, 80));
});
