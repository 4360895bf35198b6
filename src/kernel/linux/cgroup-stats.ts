/**
 * A container's usage read from its cgroup files, v1 or v2, into the figures `docker stats`
 * shows (Docker's own readers: runc's libcontainer cgroups/fs and fs2). A file a kernel doesn't
 * have reads as zero. Reads only; every path comes from cgroup-paths.ts.
 *
 * The files are read synchronously: they are kernel pseudo-files answered from memory (a few
 * microseconds each), while an asynchronous read costs four trips through libuv's four-thread pool;
 * with a hundred containers asked at once (`docker stats` with no names) that queue, not the
 * kernel, was most of the time.
 */
import { readFileSync } from 'node:fs';
import type { BlkioEntry, CgroupStats, CpuThrottling, CpuUsage, MemoryUsage } from '../../model/stats.js';
import type { CgroupLocation } from './cgroup-paths.js';

/** USER_HZ: cpuacct.stat counts in these ticks. */
const TICKS_PER_SECOND = 100;

export async function text(path: string | undefined): Promise<string> {
  if (path === undefined) return '';
  try {
    return readFileSync(path, 'utf8');
  } catch {
    // A file this kernel (or controller) lacks: no figure, read as zero.
    return '';
  }
}

/** A number file; "max" (v2's unlimited) and missing files are 0. */
async function number(path: string | undefined): Promise<number> {
  const value = Number.parseInt((await text(path)).trim(), 10);
  return Number.isFinite(value) ? value : 0;
}

/** "key value" lines (memory.stat, cpu.stat, cpuacct.stat). */
export function keyValues(content: string): Record<string, number> {
  const result: Record<string, number> = {};
  for (const line of content.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined && /^\d+$/.test(value)) Object.defineProperty(result, key, { value: Number(value), enumerable: true, writable: true });
  }
  return result;
}

/** blkio.throttle.io_service_bytes_recursive: "8:0 Read 4096" lines (the closing "Total N" has no device: left out, as runc does). */
export function parseBlkio(content: string): BlkioEntry[] {
  const entries: BlkioEntry[] = [];
  for (const line of content.split('\n')) {
    const match = /^(\d+):(\d+) (\w+) (\d+)$/.exec(line.trim());
    if (match) entries.push({ major: Number(match[1]), minor: Number(match[2]), op: match[3] ?? '', value: Number(match[4]) });
  }
  return entries;
}

/** v2's io.stat: "8:0 rbytes=1 wbytes=2 …" as Docker translates it (op Read / Write). */
export function parseIoStat(content: string): BlkioEntry[] {
  const entries: BlkioEntry[] = [];
  for (const line of content.split('\n')) {
    const [device, ...fields] = line.trim().split(/\s+/);
    const match = /^(\d+):(\d+)$/.exec(device ?? '');
    if (!match) continue;
    const values = Object.fromEntries(fields.map((field) => field.split('=')));
    const at = { major: Number(match[1]), minor: Number(match[2]) };
    entries.push({ ...at, op: 'Read', value: Number(values['rbytes'] ?? 0) }, { ...at, op: 'Write', value: Number(values['wbytes'] ?? 0) });
  }
  return entries;
}

async function cpuV1(dirs: Extract<CgroupLocation, { version: 1 }>['dirs']): Promise<{ cpu: CpuUsage; throttling: CpuThrottling }> {
  const [total, perCpu, times, throttled] = await Promise.all([
    number(dirs.cpuacct && `${dirs.cpuacct}/cpuacct.usage`),
    text(dirs.cpuacct && `${dirs.cpuacct}/cpuacct.usage_percpu`),
    text(dirs.cpuacct && `${dirs.cpuacct}/cpuacct.stat`).then(keyValues),
    text(dirs.cpu && `${dirs.cpu}/cpu.stat`).then(keyValues),
  ]);
  const tick = 1e9 / TICKS_PER_SECOND;
  return {
    cpu: { totalNs: total, kernelNs: (times['system'] ?? 0) * tick, userNs: (times['user'] ?? 0) * tick, perCpuNs: perCpu.trim().split(/\s+/).filter(Boolean).map(Number) },
    throttling: { periods: throttled['nr_periods'] ?? 0, throttledPeriods: throttled['nr_throttled'] ?? 0, throttledTimeNs: throttled['throttled_time'] ?? 0 },
  };
}

async function memoryV1(dir: string | undefined): Promise<MemoryUsage> {
  const [usage, maxUsage, limit, failcnt, stats] = await Promise.all([
    number(dir && `${dir}/memory.usage_in_bytes`),
    number(dir && `${dir}/memory.max_usage_in_bytes`),
    number(dir && `${dir}/memory.limit_in_bytes`),
    number(dir && `${dir}/memory.failcnt`),
    text(dir && `${dir}/memory.stat`).then(keyValues),
  ]);
  return { usage, maxUsage, limit, failcnt, stats };
}

async function readV1(dirs: Extract<CgroupLocation, { version: 1 }>['dirs']): Promise<CgroupStats> {
  const [cpu, memory, current, limit, blkio] = await Promise.all([
    cpuV1(dirs),
    memoryV1(dirs.memory),
    number(dirs.pids && `${dirs.pids}/pids.current`),
    number(dirs.pids && `${dirs.pids}/pids.max`),
    text(dirs.blkio && `${dirs.blkio}/blkio.throttle.io_service_bytes_recursive`).then(parseBlkio),
  ]);
  return { ...cpu, memory, pids: { current, limit }, ioServiceBytes: blkio };
}

async function readV2(dir: string): Promise<CgroupStats> {
  const [cpuStat, usage, limit, peak, stats, current, pidsMax, io] = await Promise.all([
    text(`${dir}/cpu.stat`).then(keyValues),
    number(`${dir}/memory.current`),
    number(`${dir}/memory.max`),
    number(`${dir}/memory.peak`),
    text(`${dir}/memory.stat`).then(keyValues),
    number(`${dir}/pids.current`),
    number(`${dir}/pids.max`),
    text(`${dir}/io.stat`).then(parseIoStat),
  ]);
  const events = await text(`${dir}/memory.events`).then(keyValues);
  const us = (key: string): number => (cpuStat[key] ?? 0) * 1000;
  return {
    cpu: { totalNs: us('usage_usec'), kernelNs: us('system_usec'), userNs: us('user_usec'), perCpuNs: [] },
    throttling: { periods: cpuStat['nr_periods'] ?? 0, throttledPeriods: cpuStat['nr_throttled'] ?? 0, throttledTimeNs: us('throttled_usec') },
    memory: { usage, maxUsage: peak, limit, failcnt: events['max'] ?? 0, stats },
    pids: { current, limit: pidsMax },
    ioServiceBytes: io,
  };
}

/** The cgroup's figures; a memory limit of 0 means none was found (unlimited). */
export function readCgroupStats(location: CgroupLocation): Promise<CgroupStats> {
  return location.version === 1 ? readV1(location.dirs) : readV2(location.dir);
}
