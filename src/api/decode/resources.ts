/**
 * Decoding of the resource fields conet applies (Memory, MemorySwap, MemoryReservation, NanoCpus,
 * CpuShares, CpuPeriod, CpuQuota, CpusetCpus, CpusetMems, BlkioWeight, PidsLimit) from a create's
 * HostConfig or an update's body, with Docker's validation (daemon_unix.go's
 * verifyPlatformContainerResources; runc's cpu-shares bounds): a bad value is a 400 with Docker's
 * message and the field's name, before anything changes. BlkioWeight on a kernel without a blkio
 * weight is dropped with Docker's warning, the one case Docker itself warns and drops.
 */
import { invalid } from '../../errors/index.js';
import type { CgroupFeatures, ContainerResources, ResourceUpdate } from '../../model/resources.js';
import { parseUintList, uintListWithin } from '../../util/uint-list.js';
import { string, type Json } from './json.js';
import { decodeBlkioDevices } from './blkio-devices.js';

const MIB = 1024 * 1024;
/** Docker's linuxMinMemory. */
export const MIN_MEMORY = 6 * MIB;
/** cgroup v1's cpu.shares bounds (runc refuses what the kernel would clamp). */
const MIN_SHARES = 2;
const MAX_SHARES = 262_144;

export interface ResourceLimits {
  /** CPUs on this host: `--cpus` may not ask for more. */
  cpus: number;
  /** The host's cgroups (cpuset lists, blkio weight); absent: CPUs 0 to cpus-1, node 0, no weight. */
  features?: CgroupFeatures;
}

/** Docker's warning when the kernel has no blkio weight (sysInfo.BlkioWeight false). */
export const BLKIO_WEIGHT_WARNING = 'Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.';

/** A field's integer value; absent and null are 0. */
function integer(raw: Json, field: string, prefix: string): number {
  const value = raw[field];
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid('request', `${prefix}${field} must be an integer`);
  return value;
}

const fail = (message: string, field: string): Error => invalid('invalid-resources', `${message} (${field})`);

interface Checked {
  raw: Json;
  prefix: string;
  limits: ResourceLimits;
  /** Docker's warnings for what it drops. */
  warnings: string[];
}

function checkMemory({ raw, prefix }: Checked, update: boolean): Pick<ContainerResources, 'memory' | 'memorySwap' | 'memoryReservation'> {
  const memory = integer(raw, 'Memory', prefix);
  const memorySwap = integer(raw, 'MemorySwap', prefix);
  const memoryReservation = integer(raw, 'MemoryReservation', prefix);
  if (memory < 0 || (memory > 0 && memory < MIN_MEMORY)) throw fail('Minimum memory limit allowed is 6MB', `${prefix}Memory`);
  if (memoryReservation < 0 || (memoryReservation > 0 && memoryReservation < MIN_MEMORY)) throw fail('Minimum memory reservation allowed is 6MB', `${prefix}MemoryReservation`);
  if (memory > 0 && memoryReservation > memory) throw fail('Minimum memory limit can not be less than memory reservation limit, see usage', `${prefix}MemoryReservation`);
  if (memorySwap < -1) throw fail('MemorySwap must be -1 (unlimited), 0 or a size in bytes', `${prefix}MemorySwap`);
  if (memory > 0 && memorySwap > 0 && memorySwap < memory) {
    throw fail('Minimum memoryswap limit should be larger than memory limit, see usage', `${prefix}MemorySwap`);
  }
  if (!update && memory === 0 && memorySwap > 0) throw fail('You should always set the Memory limit when using Memoryswap limit, see usage', `${prefix}MemorySwap`);
  return { memory, memorySwap, memoryReservation };
}

function checkCpu({ raw, prefix, limits }: Checked): Pick<ContainerResources, 'nanoCpus' | 'cpuShares'> {
  const nanoCpus = integer(raw, 'NanoCpus', prefix);
  const cpuShares = integer(raw, 'CpuShares', prefix);
  // The smallest CFS quota the kernel takes is 1 ms of a 100 ms period: 0.01 CPU.
  if (nanoCpus < 0 || (nanoCpus > 0 && nanoCpus < 10_000_000) || nanoCpus > limits.cpus * 1e9) {
    throw fail(`Range of CPUs is from 0.01 to ${limits.cpus}.00, as there are only ${limits.cpus} CPUs available`, `${prefix}NanoCpus`);
  }
  if (cpuShares < 0 || (cpuShares > 0 && cpuShares < MIN_SHARES)) throw fail(`the minimum allowed cpu-shares is ${MIN_SHARES}`, `${prefix}CpuShares`);
  if (cpuShares > MAX_SHARES) throw fail(`the maximum allowed cpu-shares is ${MAX_SHARES}`, `${prefix}CpuShares`);
  return { nanoCpus, cpuShares };
}

/** CpuPeriod and CpuQuota (µs), exclusive with NanoCpus in one request (Docker's messages). */
function checkCfs({ raw, prefix }: Checked, nanoCpus: number): Pick<ContainerResources, 'cpuPeriod' | 'cpuQuota'> {
  const cpuPeriod = integer(raw, 'CpuPeriod', prefix);
  const cpuQuota = integer(raw, 'CpuQuota', prefix);
  if (nanoCpus > 0 && cpuPeriod > 0) throw fail('Conflicting options: Nano CPUs and CPU Period cannot both be set', `${prefix}CpuPeriod`);
  if (nanoCpus > 0 && cpuQuota > 0) throw fail('Conflicting options: Nano CPUs and CPU Quota cannot both be set', `${prefix}CpuQuota`);
  if (cpuPeriod !== 0 && (cpuPeriod < 1000 || cpuPeriod > 1_000_000)) {
    throw fail('CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1 second (i.e. 1000000)', `${prefix}CpuPeriod`);
  }
  // -1 is unlimited; the kernel refuses anything else below 1 ms.
  if (cpuQuota < -1 || (cpuQuota > 0 && cpuQuota < 1000)) throw fail('CPU cfs quota can not be less than 1ms (i.e. 1000)', `${prefix}CpuQuota`);
  return { cpuPeriod, cpuQuota };
}

/** A cpuset list within what the host has (Docker's "Invalid value" / "not available"). */
function cpuset({ raw, prefix }: Checked, field: 'CpusetCpus' | 'CpusetMems', available: string): string {
  const value = string(raw[field], `${prefix}${field}`);
  if (value === '') return '';
  const what = field === 'CpusetCpus' ? 'cpus' : 'mems';
  let wanted;
  try {
    wanted = parseUintList(value);
  } catch (error) {
    throw fail(`Invalid value ${value} for cpuset ${what}: ${(error as Error).message}`, `${prefix}${field}`);
  }
  // The host's own list is the kernel's: always well formed.
  if (!uintListWithin(wanted, parseUintList(available))) {
    const noun = field === 'CpusetCpus' ? 'CPUs' : 'memory nodes';
    throw fail(`Requested ${noun} are not available - requested ${value}, available: ${available}`, `${prefix}${field}`);
  }
  return value;
}

function checkCpuset(checked: Checked): Pick<ContainerResources, 'cpusetCpus' | 'cpusetMems'> {
  const cpus = checked.limits.cpus;
  const features = checked.limits.features ?? { cpusetCpus: cpus > 1 ? `0-${cpus - 1}` : '0', cpusetMems: '0', blkioWeight: false };
  return { cpusetCpus: cpuset(checked, 'CpusetCpus', features.cpusetCpus), cpusetMems: cpuset(checked, 'CpusetMems', features.cpusetMems) };
}

/** BlkioWeight 10–1000; dropped with Docker's warning where the kernel has no weight. */
function checkBlkio({ raw, prefix, limits, warnings }: Checked): number {
  const weight = integer(raw, 'BlkioWeight', prefix);
  if (weight === 0) return 0;
  if (!limits.features?.blkioWeight) {
    warnings.push(BLKIO_WEIGHT_WARNING);
    return 0;
  }
  if (weight < 10 || weight > 1000) throw fail('Range of blkio weight is from 10 to 1000', `${prefix}BlkioWeight`);
  return weight;
}

/** Everything but the memory fields, checked in Docker's order. */
function checkRest(checked: Checked): Omit<ContainerResources, 'memory' | 'memorySwap' | 'memoryReservation' | 'pidsLimit'> {
  const cpu = checkCpu(checked);
  return { ...cpu, ...checkCfs(checked, cpu.nanoCpus), ...checkCpuset(checked), blkioWeight: checkBlkio(checked) };
}

/** Docker: 0 and any negative value mean unlimited. */
function pidsLimit({ raw, prefix }: Checked): number {
  return Math.max(0, integer(raw, 'PidsLimit', prefix));
}

/** A create's HostConfig: `--memory` alone allows as much swap again (Docker's default); `warnings` gets Docker's. */
export function decodeResources(host: Json, limits: ResourceLimits, warnings: string[] = []): ContainerResources {
  const checked = { raw: host, prefix: 'HostConfig.', limits, warnings };
  const { memory, memorySwap, memoryReservation } = checkMemory(checked, false);
  const blkioDevices = decodeBlkioDevices(host, 'HostConfig.', limits.features, warnings);
  return {
    memory, memorySwap: memory > 0 && memorySwap === 0 ? memory * 2 : memorySwap, memoryReservation,
    ...checkRest(checked), pidsLimit: pidsLimit(checked), ...(blkioDevices ? { blkioDevices } : {}),
  };
}

/**
 * An update's body: only what it sets (non-zero, non-empty; PidsLimit whenever present, since -1
 * and 0 reset it to unlimited). Checked against the container's current limits by the engine.
 */
export function decodeResourceUpdate(body: Json, limits: ResourceLimits, warnings: string[] = []): ResourceUpdate {
  const checked = { raw: body, prefix: '', limits, warnings };
  const all = { ...checkMemory(checked, true), ...checkRest(checked) };
  const update: ResourceUpdate = Object.fromEntries(Object.entries(all).filter(([, value]) => value !== 0 && value !== ''));
  if (body['PidsLimit'] !== undefined && body['PidsLimit'] !== null) update.pidsLimit = pidsLimit(checked);
  return update;
}
