/**
 * `docker stats` figures for a running container, from its init process: the cgroups it is in
 * (/proc/PID/cgroup, remembered per process: a process doesn't change cgroups under runc), their
 * files, the host's CPU time, and its namespace's interface counters. Only file reads, no spawns;
 * /proc/stat is read once for the readings taken in the same few milliseconds (a hundred
 * containers asked at once share it).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { StatsSample } from '../../model/stats.js';
import { cgroupLocation, type CgroupLocation } from './cgroup-paths.js';
import { readCgroupStats } from './cgroup-stats.js';
import { readMemTotal, readNetDev, readSystemCpu } from './proc-stats.js';

export interface MetricsOptions {
  /** Where the cgroup hierarchies are mounted (/sys/fs/cgroup); fixtures point elsewhere. */
  cgroupRoot?: string;
  proc?: string;
}

/** RFC 3339 with nanoseconds, as Go prints Docker's `read`. */
function nowRfc3339Nano(): string {
  const now = new Date();
  const nanos = String(now.getMilliseconds() * 1_000_000 + Number(process.hrtime.bigint() % 1_000_000n)).padStart(9, '0');
  return `${now.toISOString().slice(0, 19)}.${nanos}Z`;
}

/** How long one /proc/stat reading serves (readings this close together are one moment). */
const SYSTEM_CPU_TTL_MS = 5;
/** Processes whose cgroups are remembered, at most (oldest forgotten first). */
const MAX_LOCATIONS = 4096;

export class LinuxContainerMetrics {
  private readonly cgroupRoot: string;
  private readonly proc: string;
  private unifiedRoot: string | undefined;
  private memTotal: number | undefined;
  private system: { at: number; value: ReturnType<typeof readSystemCpu> } | undefined;
  private readonly locations = new Map<string, CgroupLocation>();

  constructor(options: MetricsOptions = {}) {
    this.cgroupRoot = options.cgroupRoot ?? '/sys/fs/cgroup';
    this.proc = options.proc ?? '/proc';
  }

  /** Pure v2 hosts have cgroup.controllers at the root; hybrid ones mount v2 at unified/. */
  private unified(): string {
    this.unifiedRoot ??= existsSync(`${this.cgroupRoot}/cgroup.controllers`) ? this.cgroupRoot : `${this.cgroupRoot}/unified`;
    return this.unifiedRoot;
  }

  /**
   * `key` names the process's life (the caller's container id and start time), so a reused pid
   * is looked up afresh; without one, /proc/PID/cgroup is read every time.
   */
  locate(pid: number, key?: string): CgroupLocation {
    const known = key === undefined ? undefined : this.locations.get(key);
    if (known) return known;
    const location = cgroupLocation(readFileSync(`${this.proc}/${pid}/cgroup`, 'utf8'), { root: this.cgroupRoot, unifiedRoot: this.unified() });
    if (key === undefined) return location;
    if (this.locations.size >= MAX_LOCATIONS) this.locations.delete(this.locations.keys().next().value ?? '');
    this.locations.set(key, location);
    return location;
  }

  private systemCpu(): ReturnType<typeof readSystemCpu> {
    const now = performance.now();
    if (!this.system || now - this.system.at > SYSTEM_CPU_TTL_MS) this.system = { at: now, value: readSystemCpu(this.proc) };
    return this.system.value;
  }

  /** `networks: false` (host mode) reads no interfaces. Rejects when the process is gone. */
  async sample(pid: number, options: { networks: boolean; key?: string }): Promise<StatsSample> {
    this.memTotal ??= readMemTotal(this.proc);
    const cgroup = await readCgroupStats(this.locate(pid, options.key));
    const networks = options.networks ? readNetDev(pid, this.proc) : undefined;
    // No limit (v1's huge number, v2's "max" read as 0): the host's memory, as Docker shows it.
    const limit = cgroup.memory.limit > 0 && cgroup.memory.limit < this.memTotal ? cgroup.memory.limit : this.memTotal;
    return { read: nowRfc3339Nano(), cgroup: { ...cgroup, memory: { ...cgroup.memory, limit } }, ...this.systemCpu(), ...(networks ? { networks } : {}) };
  }
}
