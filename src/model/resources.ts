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
}

export const NO_RESOURCES: ContainerResources = { memory: 0, memorySwap: 0, nanoCpus: 0, cpuShares: 0, pidsLimit: 0 };

/** `docker update`'s request: only the fields it sets (the CLI sends 0 / null for the others). */
export type ResourceUpdate = Partial<ContainerResources>;

/** The CFS period Docker uses for `--cpus`, in microseconds. */
export const CPU_PERIOD_US = 100_000;

/** The CFS quota in microseconds for `--cpus` (Docker: NanoCPUs × period / 1e9). */
export function cpuQuotaOf(nanoCpus: number): number {
  return Math.round((nanoCpus * CPU_PERIOD_US) / 1e9);
}
