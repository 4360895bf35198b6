import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cgroupMode } from './host-facts.js';

const V1 = ['tmpfs /sys/fs/cgroup tmpfs ro 0 0', 'cgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0', 'cgroup /sys/fs/cgroup/cpu cgroup rw,cpu 0 0'];

test('the cgroup layout from the mount table: v2, v1, hybrid, none', async () => {
  assert.deepEqual(await cgroupMode('/sys/fs/cgroup', 'cgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n'), { mode: 'v2', v1Controllers: [] });
  assert.deepEqual(await cgroupMode('/sys/fs/cgroup', V1.join('\n')), { mode: 'v1', v1Controllers: ['cpu', 'memory'] });
  assert.deepEqual(await cgroupMode('/sys/fs/cgroup', [...V1, 'cgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0'].join('\n')), { mode: 'hybrid', v1Controllers: ['cpu', 'memory'] });
  assert.deepEqual(await cgroupMode('/sys/fs/cgroup', 'proc /proc proc rw 0 0\n'), { mode: 'none', v1Controllers: [] });
});
