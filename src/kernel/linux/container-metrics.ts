/**
 * `docker stats` figures for a running container, from its init process: the cgroups it is in
 * (/proc/PID/cgroup), their files, the host's CPU time, and its namespace's interface counters.
 * Only file reads: a hundred containers sample in a few milliseconds each, in parallel.
 */
import { access, readFile } from 'node:fs/promises';
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

export class LinuxContainerMetrics {
  private readonly cgroupRoot: string;
  private readonly proc: string;
  private unifiedRoot: Promise<string> | undefined;
  private memTotal: Promise<number> | undefined;

  constructor(options: MetricsOptions = {}) {
    this.cgroupRoot = options.cgroupRoot ?? '/sys/fs/cgroup';
    this.proc = options.proc ?? '/proc';
  }

  /** Pure v2 hosts have cgroup.controllers at the root; hybrid ones mount v2 at unified/. */
  private unified(): Promise<string> {
    this.unifiedRoot ??= access(`${this.cgroupRoot}/cgroup.controllers`).then(() => this.cgroupRoot, () => `${this.cgroupRoot}/unified`);
    return this.unifiedRoot;
  }

  async locate(pid: number): Promise<CgroupLocation> {
    const text = await readFile(`${this.proc}/${pid}/cgroup`, 'utf8');
    return cgroupLocation(text, { root: this.cgroupRoot, unifiedRoot: await this.unified() });
  }

  /** `networks: false` (host mode) reads no interfaces. */
  async sample(pid: number, options: { networks: boolean }): Promise<StatsSample> {
    this.memTotal ??= readMemTotal(this.proc);
    const [cgroup, system, networks, memTotal] = await Promise.all([
      this.locate(pid).then(readCgroupStats),
      readSystemCpu(this.proc),
      options.networks ? readNetDev(pid, this.proc) : Promise.resolve(undefined),
      this.memTotal,
    ]);
    // No limit (v1's huge number, v2's "max" read as 0): the host's memory, as Docker shows it.
    const limit = cgroup.memory.limit > 0 && cgroup.memory.limit < memTotal ? cgroup.memory.limit : memTotal;
    return { read: nowRfc3339Nano(), cgroup: { ...cgroup, memory: { ...cgroup.memory, limit } }, ...system, ...(networks ? { networks } : {}) };
  }
}
