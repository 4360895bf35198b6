/**
 * The stats readers against fixture files laid out as cgroup v1 (this machine's controllers) and
 * as a pure cgroup v2 host, from the /proc/PID/cgroup text each kind of host writes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cgroupLocation } from './cgroup-paths.js';
import { parseBlkio, parseIoStat, readCgroupStats } from './cgroup-stats.js';
import { LinuxContainerMetrics } from './container-metrics.js';
import { parseMemTotal, parseNetDev, parseProcStat } from './proc-stats.js';

const V1_PROC = ['9:name=systemd:/abc', '8:pids:/abc', '7:blkio:/abc', '4:memory:/parent/abc', '3:cpu,cpuacct:/abc', '0::/abc'].join('\n');
const V2_PROC = '0::/system.slice/abc\n';

async function files(root: string, tree: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(tree)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

test('where the cgroups are: v1 per controller (joint mounts by their joint name), v2 one directory', () => {
  assert.deepEqual(cgroupLocation(V1_PROC, { root: '/cg', unifiedRoot: '/cg/unified' }), {
    version: 1,
    dirs: { pids: '/cg/pids/abc', blkio: '/cg/blkio/abc', memory: '/cg/memory/parent/abc', cpu: '/cg/cpu,cpuacct/abc', cpuacct: '/cg/cpu,cpuacct/abc' },
  });
  assert.deepEqual(cgroupLocation(V2_PROC, { root: '/cg', unifiedRoot: '/cg' }), { version: 2, dir: '/cg/system.slice/abc' });
  assert.deepEqual(cgroupLocation('0::/../../etc\n', { root: '/cg', unifiedRoot: '/cg' }), { version: 2, dir: '/cg/etc' }, 'no way out of the root');
});

test('cgroup v1 files read into the stats figures', async () => {
  const root = await mkdtemp(join(tmpdir(), 'conet-cg1-'));
  try {
    await files(root, {
      'memory/parent/abc/memory.usage_in_bytes': '1048576\n',
      'memory/parent/abc/memory.max_usage_in_bytes': '2097152\n',
      'memory/parent/abc/memory.limit_in_bytes': '67108864\n',
      'memory/parent/abc/memory.failcnt': '3\n',
      'memory/parent/abc/memory.stat': 'cache 4096\ntotal_inactive_file 8192\nhierarchical_memory_limit 67108864\n',
      'cpu,cpuacct/abc/cpuacct.usage': '123456789\n',
      'cpu,cpuacct/abc/cpuacct.usage_percpu': '100000000 23456789 \n',
      'cpu,cpuacct/abc/cpuacct.stat': 'user 7\nsystem 5\n',
      'cpu,cpuacct/abc/cpu.stat': 'nr_periods 10\nnr_throttled 2\nthrottled_time 5000\n',
      'pids/abc/pids.current': '4\n',
      'pids/abc/pids.max': 'max\n',
      'blkio/abc/blkio.throttle.io_service_bytes_recursive': '8:0 Read 4096\n8:0 Write 512\n8:0 Total 4608\nTotal 4608\n',
    });
    const stats = await readCgroupStats(cgroupLocation(V1_PROC, { root, unifiedRoot: `${root}/unified` }));
    assert.deepEqual(stats, {
      cpu: { totalNs: 123456789, kernelNs: 50_000_000, userNs: 70_000_000, perCpuNs: [100000000, 23456789] },
      throttling: { periods: 10, throttledPeriods: 2, throttledTimeNs: 5000 },
      memory: { usage: 1048576, maxUsage: 2097152, limit: 67108864, failcnt: 3, stats: { cache: 4096, total_inactive_file: 8192, hierarchical_memory_limit: 67108864 } },
      pids: { current: 4, limit: 0 },
      ioServiceBytes: [{ major: 8, minor: 0, op: 'Read', value: 4096 }, { major: 8, minor: 0, op: 'Write', value: 512 }, { major: 8, minor: 0, op: 'Total', value: 4608 }],
    });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('cgroup v2 files read into the same figures (µs to ns, "max" unlimited, io.stat as Read/Write)', async () => {
  const root = await mkdtemp(join(tmpdir(), 'conet-cg2-'));
  try {
    await files(root, {
      'cgroup.controllers': 'cpu memory pids io\n',
      'system.slice/abc/cpu.stat': 'usage_usec 2000\nuser_usec 1500\nsystem_usec 500\nnr_periods 4\nnr_throttled 1\nthrottled_usec 30\n',
      'system.slice/abc/memory.current': '3145728\n',
      'system.slice/abc/memory.max': 'max\n',
      'system.slice/abc/memory.stat': 'anon 1024\ninactive_file 4096\n',
      'system.slice/abc/memory.events': 'low 0\nhigh 0\nmax 2\noom 0\n',
      'system.slice/abc/pids.current': '2\n',
      'system.slice/abc/pids.max': '50\n',
      'system.slice/abc/io.stat': '8:16 rbytes=100 wbytes=200 rios=1 wios=2 dbytes=0 dios=0\n',
      '123/cgroup': V2_PROC,
      '123/stat': `123 (sleep 3) S ${Array.from({ length: 19 }, (_, index) => index + 1).join(' ')} 4242 0 0\n`,
      'stat': 'cpu  100 0 50 1000 10 0 5 0 0 0\ncpu0 50 0 25 500 5 0 3 0 0 0\ncpu1 50 0 25 500 5 0 2 0 0 0\n',
      'meminfo': 'MemTotal:       1024 kB\n',
      '123/net/dev': 'Inter-|   Receive\n face |bytes\n    lo: 10 1 0 0 0 0 0 0 10 1 0 0 0 0 0 0\n  eth0: 1628 18 0 0 0 0 0 0 516 6 0 0 0 0 0 0\n',
    });
    const stats = await readCgroupStats(cgroupLocation(V2_PROC, { root, unifiedRoot: root }));
    assert.deepEqual(stats.cpu, { totalNs: 2_000_000, kernelNs: 500_000, userNs: 1_500_000, perCpuNs: [] });
    assert.deepEqual(stats.throttling, { periods: 4, throttledPeriods: 1, throttledTimeNs: 30_000 });
    assert.deepEqual(stats.memory, { usage: 3145728, maxUsage: 0, limit: 0, failcnt: 2, stats: { anon: 1024, inactive_file: 4096 } });
    assert.deepEqual(stats.pids, { current: 2, limit: 50 });
    assert.deepEqual(stats.ioServiceBytes, [{ major: 8, minor: 16, op: 'Read', value: 100 }, { major: 8, minor: 16, op: 'Write', value: 200 }]);

    // The whole sample, with the root and /proc pointed at the fixtures: "max" memory is the host's.
    const sample = await new LinuxContainerMetrics({ cgroupRoot: root, proc: root }).sample(123, { networks: true });
    assert.equal(sample.cgroup.memory.limit, 1024 * 1024);
    assert.deepEqual([sample.systemCpuNs, sample.onlineCpus], [1165 * 1e7, 2]);
    assert.deepEqual(Object.keys(sample.networks ?? {}), ['eth0']);
    assert.match(sample.read, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    assert.equal((await new LinuxContainerMetrics({ cgroupRoot: root, proc: root }).sample(123, { networks: false })).networks, undefined);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('the /proc parsers', () => {
  assert.deepEqual(parseProcStat('cpu  1 2 3 4 5 6 7 8 9 10\ncpu0 1 1 1 1 1 1 1\nintr 5\n'), { systemCpuNs: 28 * 1e7, onlineCpus: 1 });
  assert.equal(parseMemTotal('MemFree: 1 kB\nMemTotal:       24683748 kB\n'), 24683748 * 1024);
  const dev = parseNetDev('h1\nh2\n  eth0: 1 2 3 4 0 0 0 0 5 6 7 8 0 0 0 0\n__proto__: 9 9 9 9 0 0 0 0 9 9 9 9 0 0 0 0\n');
  assert.deepEqual(dev['eth0'], { rxBytes: 1, rxPackets: 2, rxErrors: 3, rxDropped: 4, txBytes: 5, txPackets: 6, txErrors: 7, txDropped: 8 });
  assert.equal(Object.getPrototypeOf(dev), Object.prototype, 'an interface named __proto__ stays a key');
  assert.deepEqual(parseBlkio('garbage\n8:0 Read x\n'), []);
  assert.deepEqual(parseIoStat('8:0\n'), [{ major: 8, minor: 0, op: 'Read', value: 0 }, { major: 8, minor: 0, op: 'Write', value: 0 }]);
});
