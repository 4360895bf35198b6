import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_RESOURCES } from '../../model/resources.js';
import { ociResources } from './oci-resources.js';
import { buildOciSpec } from './oci-spec.js';

test('limits become linux.resources as runc takes them; unset ones are left out', () => {
  assert.deepEqual(ociResources(undefined), {});
  assert.deepEqual(ociResources(NO_RESOURCES), {});
  assert.deepEqual(ociResources({ memory: 64 << 20, memorySwap: 128 << 20, nanoCpus: 500_000_000, cpuShares: 512, pidsLimit: 20 }), {
    memory: { limit: 64 << 20, swap: 128 << 20 },
    cpu: { shares: 512, quota: 50_000, period: 100_000 },
    pids: { limit: 20 },
  });
  assert.deepEqual(ociResources({ ...NO_RESOURCES, memory: 64 << 20, memorySwap: -1 }), { memory: { limit: 64 << 20, swap: -1 } });
  assert.deepEqual(ociResources({ ...NO_RESOURCES, memory: 64 << 20 }), { memory: { limit: 64 << 20 } }, 'no swap set: runc leaves memsw alone');
  assert.deepEqual(ociResources({ ...NO_RESOURCES, nanoCpus: 1_250_000_000 }), { cpu: { quota: 125_000, period: 100_000 } });
  assert.deepEqual(ociResources({ ...NO_RESOURCES, cpuPeriod: 50_000, cpuQuota: 25_000, cpusetCpus: '1', cpusetMems: '0' }), { cpu: { quota: 25_000, period: 50_000, cpus: '1', mems: '0' } });
  assert.deepEqual(ociResources({ ...NO_RESOURCES, cpuQuota: -1 }), { cpu: { quota: -1 } }, '--cpu-quota -1: unlimited again');
  assert.deepEqual(ociResources({ ...NO_RESOURCES, memoryReservation: 32 << 20 }), { memory: { reservation: 32 << 20 } }, 'a soft limit without a hard one');
  assert.deepEqual(ociResources({ ...NO_RESOURCES, memory: 64 << 20, memorySwap: 128 << 20, memoryReservation: 32 << 20 }), { memory: { limit: 64 << 20, swap: 128 << 20, reservation: 32 << 20 } });
  assert.deepEqual(ociResources({ ...NO_RESOURCES, blkioWeight: 300 }), { blockIO: { weight: 300 } });
  const blkioDevices = { weight: [{ path: '/dev/vda', value: 300 }], readBps: [{ path: '/dev/vda', value: 1 << 20 }], writeBps: [], readIOps: [{ path: '/dev/gone', value: 5 }], writeIOps: [{ path: '/dev/vdb', value: 100 }] };
  const numbers = new Map([['/dev/vda', { major: 254, minor: 0 }], ['/dev/vdb', { major: 254, minor: 16 }]]);
  assert.deepEqual(ociResources({ ...NO_RESOURCES, blkioDevices }, numbers), {
    blockIO: { weightDevice: [{ major: 254, minor: 0, weight: 300 }], throttleReadBpsDevice: [{ major: 254, minor: 0, rate: 1 << 20 }], throttleWriteIOPSDevice: [{ major: 254, minor: 16, rate: 100 }] },
  });
  assert.deepEqual(ociResources({ ...NO_RESOURCES, blkioDevices }), {}, 'without numbers (runc update) the devices are left as they are');
});

test('the spec carries the limits next to the device rule, and mounts the cgroups read-only at /sys/fs/cgroup', () => {
  const spec = buildOciSpec({
    rootfs: '/r', args: ['sh'], env: [], cwd: '/', hostname: 'h', terminal: false,
    confinement: { capabilities: [], noNewPrivileges: false },
    resources: { ...NO_RESOURCES, pidsLimit: 7 },
  } as Parameters<typeof buildOciSpec>[0]) as { linux: { resources: Record<string, unknown> }; mounts: Array<{ destination: string; type: string; options: string[] }> };
  assert.deepEqual(spec.linux.resources, { devices: [{ allow: false, access: 'rwm' }], pids: { limit: 7 } });
  const cgroup = spec.mounts.find((mount) => mount.destination === '/sys/fs/cgroup');
  assert.deepEqual([cgroup?.type, cgroup?.options.includes('ro')], ['cgroup', true]);
  assert.ok(spec.mounts.findIndex((mount) => mount.destination === '/sys') < spec.mounts.indexOf(cgroup!), 'after /sys');
});
