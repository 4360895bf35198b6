/** One reading of a container's resource usage (`docker stats`): its cgroup and its interfaces. */

export interface CpuUsage {
  totalNs: number;
  kernelNs: number;
  userNs: number;
  /** Per CPU; empty where the cgroup doesn't say (cgroup v2). */
  perCpuNs: number[];
}

export interface CpuThrottling {
  periods: number;
  throttledPeriods: number;
  throttledTimeNs: number;
}

export interface MemoryUsage {
  /** Bytes charged to the cgroup (page cache included). */
  usage: number;
  /** The peak, where the cgroup keeps one (0 otherwise). */
  maxUsage: number;
  /** The limit in bytes, never more than the host's memory. */
  limit: number;
  failcnt: number;
  /** memory.stat, key by key (cgroup v1's total_inactive_file, v2's inactive_file …). */
  stats: Record<string, number>;
}

/** One line of blkio's io_service_bytes (or v2's io.stat, as Docker translates it). */
export interface BlkioEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}

export interface CgroupStats {
  cpu: CpuUsage;
  throttling: CpuThrottling;
  memory: MemoryUsage;
  /** limit 0: unlimited. */
  pids: { current: number; limit: number };
  ioServiceBytes: BlkioEntry[];
}

export interface InterfaceCounters {
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDropped: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDropped: number;
}

export interface StatsSample {
  /** When it was read, RFC 3339 with nanoseconds. */
  read: string;
  cgroup: CgroupStats;
  /** The host's CPU time since boot (all CPUs, idle included), ns: the CLI's denominator. */
  systemCpuNs: number;
  onlineCpus: number;
  /** Per interface in the container's network namespace (loopback left out); absent in host mode. */
  networks?: Record<string, InterfaceCounters>;
}
