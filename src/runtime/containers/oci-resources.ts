/**
 * A container's resource limits as the OCI spec's linux.resources (memory, cpu, pids): runc
 * writes them to the cgroups it creates at create, and again at `runc update`. Only what is set
 * appears; unset means the kernel's default (unlimited, 1024 shares). Pure.
 */
import { cpuQuotaOf, CPU_PERIOD_US, type ContainerResources } from '../../model/resources.js';

export interface OciResources {
  memory?: { limit?: number; swap?: number };
  cpu?: { shares?: number; quota?: number; period?: number };
  pids?: { limit: number };
}

function memory(resources: ContainerResources): OciResources['memory'] | undefined {
  if (resources.memory <= 0) return undefined;
  // -1: unlimited swap; 0 (an update that set no swap): runc leaves memsw as it is.
  return { limit: resources.memory, ...(resources.memorySwap !== 0 ? { swap: resources.memorySwap } : {}) };
}

function cpu(resources: ContainerResources): OciResources['cpu'] | undefined {
  const shares = resources.cpuShares > 0 ? { shares: resources.cpuShares } : {};
  const quota = resources.nanoCpus > 0 ? { quota: cpuQuotaOf(resources.nanoCpus), period: CPU_PERIOD_US } : {};
  return Object.keys(shares).length + Object.keys(quota).length > 0 ? { ...shares, ...quota } : undefined;
}

export function ociResources(resources: ContainerResources | undefined): OciResources {
  if (!resources) return {};
  const result: OciResources = {};
  const memoryLimits = memory(resources);
  const cpuLimits = cpu(resources);
  if (memoryLimits) result.memory = memoryLimits;
  if (cpuLimits) result.cpu = cpuLimits;
  if (resources.pidsLimit > 0) result.pids = { limit: resources.pidsLimit };
  return result;
}
