/**
 * A container's cgroup limits (Docker's HostConfig.Resources, the part conet applies), decoded
 * and validated. Zero means "not set" everywhere, as in Docker's API.
 */
export interface ContainerResources {
  /** `--memory`, bytes; 0: unlimited. */
  memory: number;
  /** `--memory-swap`, memory plus swap in bytes; -1: unlimited swap; 0: not set. */
  memorySwap: number;
  /** `--cpus`, in billionths of a CPU; 0: unlimited. */
  nanoCpus: number;
  /** `--cpu-shares`, the relative weight; 0: the kernel's default (1024). */
  cpuShares: number;
  /** `--pids-limit`; 0: unlimited (Docker's 0 and -1). */
  pidsLimit: number;
  /*
   * The fields below came later: a container stored before them has none (read as 0 or "").
   */
  /** `--cpu-period`, CFS period in µs; 0: not set (the kernel's 100 ms). Never with nanoCpus. */
  cpuPeriod?: number;
  /** `--cpu-quota`, CFS quota in µs; 0: not set; -1: unlimited. Never with nanoCpus. */
  cpuQuota?: number;
  /** `--memory-reservation`, the soft limit in bytes; 0: not set. */
  memoryReservation?: number;
  /** `--cpuset-cpus` / `--cpuset-mems`, lists as "0-2,4"; "": all of the host's. */
  cpusetCpus?: string;
  cpusetMems?: string;
  /** `--blkio-weight` (10–1000); 0: not set, or dropped with Docker's warning where the kernel has no weight. */
  blkioWeight?: number;
  /** `--blkio-weight-device`, `--device-{read,write}-{bps,iops}`: per host block device, by path (numbers looked up at start). */
  blkioDevices?: BlkioDevices;
}

/** One `/dev/PATH:VALUE` of the per-device blkio options. */
export interface DeviceValue {
  /** Absolute, under /dev, without "..". */
  path: string;
  value: number;
}

export interface BlkioDevices {
  weight: DeviceValue[];
  readBps: DeviceValue[];
  writeBps: DeviceValue[];
  readIOps: DeviceValue[];
  writeIOps: DeviceValue[];
}

export const BLKIO_DEVICE_KINDS = ['weight', 'readBps', 'writeBps', 'readIOps', 'writeIOps'] as const;

export const NO_RESOURCES: ContainerResources = { memory: 0, memorySwap: 0, nanoCpus: 0, cpuShares: 0, pidsLimit: 0 };

/** What a cgroup hierarchy of this host offers, for Docker's checks and warnings. */
export interface CgroupFeatures {
  /** The CPUs and memory nodes a container may be pinned to, as lists ("0-1", "0"). */
  cpusetCpus: string;
  cpusetMems: string;
  /** Whether the blkio controller has a proportional weight (CFQ/BFQ); when not, Docker drops --blkio-weight with a warning. */
  blkioWeight: boolean;
  /** Which per-device blkio files the kernel has (Docker drops each option it lacks, with a warning). */
  blkioDevices?: Record<(typeof BLKIO_DEVICE_KINDS)[number], boolean>;
}

/** `docker update`'s request: only the fields it sets (the CLI sends 0 / null for the others). */
export type ResourceUpdate = Partial<ContainerResources>;

/** The CFS period Docker uses for `--cpus`, in microseconds. */
export const CPU_PERIOD_US = 100_000;

/** The CFS quota in microseconds for `--cpus` (Docker: NanoCPUs × period / 1e9). */
export function cpuQuotaOf(nanoCpus: number): number {
  return Math.round((nanoCpus * CPU_PERIOD_US) / 1e9);
}
