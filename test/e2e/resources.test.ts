/**
 * Resources through cgroups (issue 12, item 5) with the real docker CLI: --memory, --memory-swap,
 * --memory-reservation, --cpus, --cpu-shares, --cpu-period/--cpu-quota, --cpuset-cpus/--cpuset-mems
 * and --pids-limit seen in the container's own cgroup files from inside and in inspect;
 * --blkio-weight and --blkio-weight-device applied or dropped with Docker's warning, as the
 * kernel allows; --device-read-bps and friends in the blkio throttle files; `docker update` changing them live (and a stopped container's at its next start);
 * `docker stats` (no-stream and streaming) matching the cgroup files; bad values as 400s that name
 * the field and leave nothing behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, readdir, readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { run } from '../../src/exec/index.js';
import { withHost, type TestHost } from '../helpers/host.js';
import { standInImages } from '../helpers/images.js';

const MIB = 1024 * 1024;
const FILES = {
  memory: '/sys/fs/cgroup/memory/memory.limit_in_bytes',
  memsw: '/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes',
  pids: '/sys/fs/cgroup/pids/pids.max',
  quota: '/sys/fs/cgroup/cpu/cpu.cfs_quota_us',
  period: '/sys/fs/cgroup/cpu/cpu.cfs_period_us',
  shares: '/sys/fs/cgroup/cpu/cpu.shares',
} as const;

/** The container's cgroup files, read from inside it (one exec). */
async function cgroupFiles(host: TestHost, container: string): Promise<Record<keyof typeof FILES, string>> {
  const keys = Object.keys(FILES) as Array<keyof typeof FILES>;
  const out = await host.dockerOk(['exec', container, 'cat', ...keys.map((key) => FILES[key])]);
  const lines = out.split('\n');
  return Object.fromEntries(keys.map((key, index) => [key, lines[index] ?? ''])) as Record<keyof typeof FILES, string>;
}

async function inspectResources(host: TestHost, container: string): Promise<unknown[]> {
  const out = await host.dockerOk(['inspect', '-f', '{{json .HostConfig.Memory}} {{json .HostConfig.MemorySwap}} {{json .HostConfig.NanoCpus}} {{json .HostConfig.CpuShares}} {{json .HostConfig.PidsLimit}}', container]);
  return out.split(' ').map((value) => JSON.parse(value) as unknown);
}

test('--memory, --memory-swap, --cpus, --cpu-shares, --pids-limit: in the cgroup files inside, in inspect, and enforced', async () => {
  await withHost(async (host) => {
    await standInImages(host);
    await host.dockerOk(['run', '-d', '--name', 'limited', '--memory', '64m', '--memory-swap', '128m', '--cpus', '0.5', '--cpu-shares', '512', '--pids-limit', '20', 'busybox', 'sleep', '300']);
    assert.deepEqual(await cgroupFiles(host, 'limited'), { memory: String(64 * MIB), memsw: String(128 * MIB), pids: '20', quota: '50000', period: '100000', shares: '512' });
    assert.deepEqual(await inspectResources(host, 'limited'), [64 * MIB, 128 * MIB, 500_000_000, 512, 20]);

    // The pids limit holds: 40 background sleeps can't all start.
    const forks = await host.docker(['exec', 'limited', 'sh', '-c', 'i=0; while [ $i -lt 40 ]; do sleep 30 >/dev/null 2>&1 & i=$((i+1)); done; cat /sys/fs/cgroup/pids/pids.current'], { timeoutMs: 30_000 });
    assert.match(forks.stderr, /can't fork|Resource temporarily unavailable/, forks.stderr);
    assert.ok(Number(forks.stdout.trim().split('\n').pop()) <= 20, `pids.current ${forks.stdout}`);

    // --memory alone: as much swap again (Docker's default); nothing given: no limits.
    await host.dockerOk(['run', '-d', '--name', 'memonly', '--memory', '32m', 'busybox', 'sleep', '300']);
    const memonly = await cgroupFiles(host, 'memonly');
    assert.deepEqual([memonly.memory, memonly.memsw, memonly.pids, memonly.quota], [String(32 * MIB), String(64 * MIB), 'max', '-1']);
    assert.deepEqual(await inspectResources(host, 'memonly'), [32 * MIB, 64 * MIB, 0, 0, null]);
    await host.dockerOk(['run', '-d', '--name', 'plain', 'busybox', 'sleep', '300']);
    const plain = await cgroupFiles(host, 'plain');
    assert.deepEqual([plain.pids, plain.quota, plain.shares], ['max', '-1', '1024']);
    assert.ok(Number(plain.memory) > 1024 * 1024 * MIB, `no memory limit: ${plain.memory}`);
  });
});

test('docker update changes the limits of a running container live, and of a stopped one at its next start', async () => {
  await withHost(async (host) => {
    await standInImages(host);
    await host.dockerOk(['run', '-d', '--name', 'live', '--memory', '64m', '--cpus', '0.5', '--pids-limit', '20', 'busybox', 'sleep', '300']);
    const pid = await host.dockerOk(['inspect', '-f', '{{.State.Pid}}', 'live']);
    await host.dockerOk(['update', '--memory', '96m', '--memory-swap', '192m', '--cpus', '1.5', '--cpu-shares', '256', '--pids-limit', '50', 'live']);
    assert.deepEqual(await cgroupFiles(host, 'live'), { memory: String(96 * MIB), memsw: String(192 * MIB), pids: '50', quota: '150000', period: '100000', shares: '256' });
    assert.deepEqual(await inspectResources(host, 'live'), [96 * MIB, 192 * MIB, 1_500_000_000, 256, 50]);
    assert.equal(await host.dockerOk(['inspect', '-f', '{{.State.Pid}}', 'live']), pid, 'the same process, not a restart');
    // -1: back to unlimited.
    await host.dockerOk(['update', '--pids-limit', '-1', 'live']);
    assert.equal((await cgroupFiles(host, 'live')).pids, 'max');
    assert.equal((await inspectResources(host, 'live'))[4], null);

    // Docker's rule: a memory limit above the swap limit already set needs the swap updated too.
    const above = await host.docker(['update', '--memory', '256m', 'live']);
    assert.notEqual(above.code, 0);
    assert.match(above.stderr, /Memory limit should be smaller than already set memoryswap limit/);
    const refused = await host.docker(['update', '--cpu-quota', '20000', 'live']);
    assert.match(refused.stderr, /Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set \(CpuQuota\)/);
    assert.equal((await cgroupFiles(host, 'live')).memory, String(96 * MIB), 'a refused update changed nothing');

    // A stopped container: stored, applied when it starts, kept across a daemon restart.
    await host.dockerOk(['create', '--name', 'later', 'busybox', 'sleep', '300']);
    await host.dockerOk(['update', '--memory', '48m', '--pids-limit', '30', 'later']);
    await host.restart();
    await host.dockerOk(['start', 'later']);
    const later = await cgroupFiles(host, 'later');
    assert.deepEqual([later.memory, later.pids], [String(48 * MIB), '30']);
    assert.deepEqual(await inspectResources(host, 'later'), [48 * MIB, 0, 0, 0, 30]);
  });
});

const MORE = {
  period: '/sys/fs/cgroup/cpu/cpu.cfs_period_us',
  quota: '/sys/fs/cgroup/cpu/cpu.cfs_quota_us',
  soft: '/sys/fs/cgroup/memory/memory.soft_limit_in_bytes',
  cpus: '/sys/fs/cgroup/cpuset/cpuset.cpus',
  mems: '/sys/fs/cgroup/cpuset/cpuset.mems',
} as const;

async function moreFiles(host: TestHost, container: string): Promise<Record<keyof typeof MORE, string>> {
  const keys = Object.keys(MORE) as Array<keyof typeof MORE>;
  const lines = (await host.dockerOk(['exec', container, 'cat', ...keys.map((key) => MORE[key])])).split('\n');
  return Object.fromEntries(keys.map((key, index) => [key, lines[index] ?? ''])) as Record<keyof typeof MORE, string>;
}

test('--cpu-period/--cpu-quota, --memory-reservation, --cpuset-cpus/--cpuset-mems in the cgroup files inside, updated live; --blkio-weight as Docker on this kernel', async () => {
  await withHost(async (host) => {
    await standInImages(host);
    const last = String(availableParallelism() - 1);
    await host.dockerOk(['run', '-d', '--name', 'tuned', '--cpu-period', '50000', '--cpu-quota', '25000', '--memory-reservation', '32m', '--cpuset-cpus', last, '--cpuset-mems', '0', 'busybox', 'sleep', '300']);
    assert.deepEqual(await moreFiles(host, 'tuned'), { period: '50000', quota: '25000', soft: String(32 * MIB), cpus: last, mems: '0' });
    const inspected = '{{.HostConfig.CpuPeriod}} {{.HostConfig.CpuQuota}} {{.HostConfig.MemoryReservation}} {{.HostConfig.CpusetCpus}} {{.HostConfig.CpusetMems}}';
    assert.equal(await host.dockerOk(['inspect', '-f', inspected, 'tuned']), `50000 25000 ${32 * MIB} ${last} 0`);

    // docker update: live, the same process; -1 makes the quota unlimited again.
    const pid = await host.dockerOk(['inspect', '-f', '{{.State.Pid}}', 'tuned']);
    const all = availableParallelism() > 1 ? `0-${last}` : '0';
    await host.dockerOk(['update', '--cpu-period', '100000', '--cpu-quota', '-1', '--memory-reservation', '48m', '--cpuset-cpus', all, 'tuned']);
    assert.deepEqual(await moreFiles(host, 'tuned'), { period: '100000', quota: '-1', soft: String(48 * MIB), cpus: all, mems: '0' });
    assert.equal(await host.dockerOk(['inspect', '-f', inspected, 'tuned']), `100000 -1 ${48 * MIB} ${all} 0`);
    assert.equal(await host.dockerOk(['inspect', '-f', '{{.State.Pid}}', 'tuned']), pid);
    const conflict = await host.docker(['update', '--cpus', '1', 'tuned']);
    assert.match(conflict.stderr, /Conflicting options: Nano CPUs cannot be updated as CPU Period has already been set/);
    const above = await host.docker(['update', '--memory', '40m', 'tuned']);
    assert.match(above.stderr, /Minimum memory limit can not be less than memory reservation limit/);
    assert.equal((await moreFiles(host, 'tuned')).soft, String(48 * MIB), 'refused updates changed nothing');

    // Docker's blkio rule: applied where the kernel has a weight, else dropped with its create warning.
    const weighted = await access('/sys/fs/cgroup/blkio/blkio.weight').then(() => true, () => false);
    const blkio = await host.docker(['run', '-d', '--name', 'weighted', '--blkio-weight', '300', 'busybox', 'sleep', '300']);
    assert.equal(blkio.code, 0, blkio.stderr);
    if (weighted) {
      assert.equal(await host.dockerOk(['exec', 'weighted', 'cat', '/sys/fs/cgroup/blkio/blkio.weight']), '300');
    } else {
      assert.match(blkio.stderr, /WARNING: Your kernel does not support Block I\/O weight or the cgroup is not mounted\. Weight discarded\./);
      assert.equal(await host.dockerOk(['inspect', '-f', '{{.HostConfig.BlkioWeight}}', 'weighted']), '0');
    }
  });
});

/** A block device of this host (for the per-device blkio options): the first disk /sys/block lists that has a node in /dev. */
async function hostBlockDevice(): Promise<string> {
  for (const name of await readdir('/sys/block')) {
    if (await access(`/dev/${name}`).then(() => true, () => false)) return `/dev/${name}`;
  }
  throw new Error('this host has no block device');
}

test('--device-read-bps/--device-write-iops in the blkio throttle files inside; --blkio-weight-device as Docker on this kernel; a missing device is a 400', async () => {
  await withHost(async (host) => {
    await standInImages(host);
    const device = await hostBlockDevice();
    const [major, minor] = (await readFile(`/sys/class/block/${device.slice(5)}/dev`, 'utf8')).trim().split(':');
    const weightDevice = await access('/sys/fs/cgroup/blkio/blkio.weight_device').then(() => true, () => false);
    const run = await host.docker(['run', '-d', '--name', 'throttled', '--device-read-bps', `${device}:1mb`, '--device-write-iops', `${device}:100`, '--blkio-weight-device', `${device}:300`, 'busybox', 'sleep', '300']);
    assert.equal(run.code, 0, run.stderr);
    const files = await host.dockerOk(['exec', 'throttled', 'cat', '/sys/fs/cgroup/blkio/blkio.throttle.read_bps_device', '/sys/fs/cgroup/blkio/blkio.throttle.write_iops_device']);
    assert.equal(files, `${major}:${minor} 1048576\n${major}:${minor} 100`);
    assert.equal(await host.dockerOk(['inspect', '-f', '{{json .HostConfig.BlkioDeviceReadBps}}', 'throttled']), JSON.stringify([{ Path: device, Rate: 1048576 }]));
    if (weightDevice) {
      assert.match(await host.dockerOk(['exec', 'throttled', 'cat', '/sys/fs/cgroup/blkio/blkio.weight_device']), new RegExp(`${major}:${minor} 300`));
    } else {
      assert.match(run.stderr, /WARNING: Your kernel does not support Block I\/O weight_device or the cgroup is not mounted\. Weight-device discarded\./);
      assert.equal(await host.dockerOk(['inspect', '-f', '{{json .HostConfig.BlkioWeightDevice}}', 'throttled']), '[]');
    }
    // A path that is no block device: the start fails naming it, and the container stays created.
    const missing = await host.docker(['run', '-d', '--name', 'nodev', '--device-read-bps', '/dev/null:1mb', 'busybox', 'sleep', '300']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /\/dev\/null is not a block device on this host/);
    assert.equal(await host.dockerOk(['inspect', '-f', '{{.State.Status}}', 'nodev']), 'created');
  });
});

interface CliStats {
  Name: string;
  MemUsage: string;
  PIDs: string;
  NetIO: string;
  CPUPerc: string;
}

const UNITS: Record<string, number> = { B: 1, KiB: 1024, MiB: MIB, GiB: 1024 * MIB, kB: 1e3, MB: 1e6, GB: 1e9 };
function bytes(text: string): number {
  const match = /^([\d.]+)\s*([A-Za-z]+)$/.exec(text.trim());
  assert.ok(match, `a size: ${text}`);
  return Number(match[1]) * (UNITS[match[2] ?? ''] ?? Number.NaN);
}

test('docker stats --no-stream matches the cgroup files; the stream sends a frame a second with precpu', async () => {
  await withHost(async (host) => {
    await standInImages(host);
    await host.dockerOk(['run', '-d', '--name', 'watched', '--memory', '80m', '--pids-limit', '20', 'busybox', 'sh', '-c', 'head -c 8000000 /dev/zero > /dev/shm/fill; sleep 300']);
    await host.dockerOk(['exec', 'watched', 'ping', '-c', '3', '-W', '1', '172.17.0.1']);
    const inside = await host.dockerOk(['exec', 'watched', 'sh', '-c', 'cat /sys/fs/cgroup/memory/memory.usage_in_bytes; grep -w total_inactive_file /sys/fs/cgroup/memory/memory.stat']);
    const [usageLine, inactiveLine] = inside.split('\n');
    const expected = Number(usageLine) - Number(inactiveLine?.split(' ')[1]);
    const line = await host.dockerOk(['stats', '--no-stream', '--format', '{{json .}}', 'watched']);
    const stats = JSON.parse(line) as CliStats;
    const [usage, limit] = stats.MemUsage.split(' / ');
    assert.equal(limit, '80MiB', 'the limit, exactly');
    assert.ok(Math.abs(bytes(usage ?? '') - expected) < 2 * MIB, `usage ${usage} vs the cgroup's ${expected} bytes`);
    assert.ok(bytes(usage ?? '') > 7 * MIB, `the 8 MB in /dev/shm count: ${usage}`);
    assert.equal(stats.PIDs, '1');
    const [rx, tx] = stats.NetIO.split(' / ');
    assert.ok(bytes(rx ?? '') > 0 && bytes(tx ?? '') >= 3 * 98, `the pings show in NET I/O: ${stats.NetIO}`);
    assert.match(stats.CPUPerc, /^\d+\.\d\d%$/);

    // The API's frame: Docker's shape, eth0's counters, the pids limit.
    const frame = JSON.parse((await host.api('GET', '/v1.41/containers/watched/stats?stream=false')).body) as Record<string, any>;
    assert.equal(frame['memory_stats'].limit, 80 * MIB);
    assert.deepEqual(frame['pids_stats'], { current: 1, limit: 20 });
    assert.ok(frame['networks'].eth0.tx_packets >= 3, JSON.stringify(frame['networks']));
    assert.ok(frame['cpu_stats'].cpu_usage.total_usage >= frame['precpu_stats'].cpu_usage.total_usage);
    assert.ok(frame['cpu_stats'].system_cpu_usage > frame['precpu_stats'].system_cpu_usage, 'precpu is an earlier reading');

    // Streaming: a frame a second, each one's precpu the one before's cpu.
    const streamed = await run(['curl', '-sN', '--max-time', '2.6', '--unix-socket', host.socket, 'http://docker/v1.41/containers/watched/stats'], { allowFailure: true, timeoutMs: 10_000 });
    const frames = streamed.stdout.trim().split('\n').map((text) => JSON.parse(text) as Record<string, any>);
    assert.ok(frames.length >= 2 && frames.length <= 4, `${frames.length} frames in 2.6 s`);
    assert.equal(frames[1]?.['preread'], frames[0]?.['read']);
    assert.equal(frames[1]?.['precpu_stats'].system_cpu_usage, frames[0]?.['cpu_stats'].system_cpu_usage);

    // A stopped container: an empty frame, as Docker's.
    await host.dockerOk(['create', '--name', 'idle', 'busybox', 'true']);
    const idle = JSON.parse((await host.api('GET', '/v1.41/containers/idle/stats?stream=false')).body) as Record<string, any>;
    assert.deepEqual([idle['name'], idle['memory_stats'], idle['pids_stats']], ['/idle', {}, {}]);
    assert.equal((await host.api('GET', '/v1.41/containers/nosuch/stats?stream=false')).status, 404);
  });
});

const BAD: ReadonlyArray<{ args: string[]; message: RegExp }> = [
  { args: ['--memory', '4m'], message: /Minimum memory limit allowed is 6MB \(HostConfig\.Memory\)/ },
  { args: ['--memory', '64m', '--memory-swap', '32m'], message: /Minimum memoryswap limit should be larger than memory limit, see usage \(HostConfig\.MemorySwap\)/ },
  { args: ['--memory-swap', '64m'], message: /You should always set the Memory limit when using Memoryswap limit, see usage \(HostConfig\.MemorySwap\)/ },
  { args: ['--cpus', '64'], message: /Range of CPUs is from 0\.01 to \d+\.00, as there are only \d+ CPUs available \(HostConfig\.NanoCpus\)/ },
  { args: ['--cpu-shares', '1'], message: /the minimum allowed cpu-shares is 2 \(HostConfig\.CpuShares\)/ },
  { args: ['--cpu-shares', '300000'], message: /the maximum allowed cpu-shares is 262144 \(HostConfig\.CpuShares\)/ },
  { args: ['--cpus', '1', '--cpu-period', '50000'], message: /Conflicting options: Nano CPUs and CPU Period cannot both be set \(HostConfig\.CpuPeriod\)/ },
  { args: ['--cpu-quota', '500'], message: /CPU cfs quota can not be less than 1ms \(i\.e\. 1000\) \(HostConfig\.CpuQuota\)/ },
  { args: ['--cpuset-cpus', '4095'], message: /Requested CPUs are not available - requested 4095, available: [0-9,-]+ \(HostConfig\.CpusetCpus\)/ },
  { args: ['--cpuset-mems', '0-'], message: /Invalid value 0- for cpuset mems/ },
  { args: ['--memory', '32m', '--memory-reservation', '64m'], message: /Minimum memory limit can not be less than memory reservation limit, see usage \(HostConfig\.MemoryReservation\)/ },
];

test('bad resource values are 400s naming the field, and leave nothing behind', async () => {
  await withHost(async (host) => {
    await standInImages(host);
    const results = await Promise.all(BAD.map(({ args }) => host.docker(['run', '-d', ...args, 'busybox', 'sleep', '300'])));
    results.forEach((result, index) => {
      const { args, message } = BAD[index] ?? { args: [], message: /never/ };
      assert.notEqual(result.code, 0, `docker run ${args.join(' ')} must fail`);
      assert.match(result.stderr, message, `docker run ${args.join(' ')}: ${result.stderr}`);
    });
    const status = await host.api('POST', '/v1.41/containers/create', JSON.stringify({ Image: 'busybox', HostConfig: { Memory: 1024 } }));
    assert.equal(status.status, 400);
    assert.equal(await host.dockerOk(['ps', '-a', '-q']), '', 'no container was created');

    await host.dockerOk(['run', '-d', '--name', 'kept', '--memory', '64m', 'busybox', 'sleep', '300']);
    const bad = await host.api('POST', '/v1.41/containers/kept/update', JSON.stringify({ Memory: 1024 }));
    assert.deepEqual([bad.status, JSON.parse(bad.body)], [400, { message: 'Minimum memory limit allowed is 6MB (Memory)' }]);
    const swap = await host.docker(['update', '--memory-swap', '32m', 'kept']);
    assert.match(swap.stderr, /Minimum memoryswap limit should be larger than memory limit/);
    assert.equal(await host.dockerOk(['exec', 'kept', 'cat', FILES.memory]), String(64 * MIB), 'unchanged');
    assert.deepEqual((await inspectResources(host, 'kept')).slice(0, 2), [64 * MIB, 128 * MIB]);
  });
});
