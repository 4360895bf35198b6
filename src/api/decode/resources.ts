/**
 * Decoding of the resource fields conet applies (Memory, MemorySwap, NanoCpus, CpuShares,
 * PidsLimit) from a create's HostConfig or an update's body, with Docker's validation
 * (daemon_unix.go's verifyPlatformContainerResources; runc's cpu-shares bounds): a bad value is a
 * 400 with Docker's message and the field's name, before anything changes.
 */
import { invalid } from '../../errors/index.js';
import type { ContainerResources, ResourceUpdate } from '../../model/resources.js';
import type { Json } from './json.js';

const MIB = 1024 * 1024;
/** Docker's linuxMinMemory. */
export const MIN_MEMORY = 6 * MIB;
/** cgroup v1's cpu.shares bounds (runc refuses what the kernel would clamp). */
const MIN_SHARES = 2;
const MAX_SHARES = 262_144;

export interface ResourceLimits {
  /** CPUs on this host: `--cpus` may not ask for more. */
  cpus: number;
}

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
}

function checkMemory({ raw, prefix }: Checked, update: boolean): Pick<ContainerResources, 'memory' | 'memorySwap'> {
  const memory = integer(raw, 'Memory', prefix);
  const memorySwap = integer(raw, 'MemorySwap', prefix);
  if (memory < 0 || (memory > 0 && memory < MIN_MEMORY)) throw fail('Minimum memory limit allowed is 6MB', `${prefix}Memory`);
  if (memorySwap < -1) throw fail('MemorySwap must be -1 (unlimited), 0 or a size in bytes', `${prefix}MemorySwap`);
  if (memory > 0 && memorySwap > 0 && memorySwap < memory) {
    throw fail('Minimum memoryswap limit should be larger than memory limit, see usage', `${prefix}MemorySwap`);
  }
  if (!update && memory === 0 && memorySwap > 0) throw fail('You should always set the Memory limit when using Memoryswap limit, see usage', `${prefix}MemorySwap`);
  return { memory, memorySwap };
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

/** Docker: 0 and any negative value mean unlimited. */
function pidsLimit({ raw, prefix }: Checked): number {
  return Math.max(0, integer(raw, 'PidsLimit', prefix));
}

/** A create's HostConfig: `--memory` alone allows as much swap again (Docker's default). */
export function decodeResources(host: Json, limits: ResourceLimits): ContainerResources {
  const checked = { raw: host, prefix: 'HostConfig.', limits };
  const { memory, memorySwap } = checkMemory(checked, false);
  return { memory, memorySwap: memory > 0 && memorySwap === 0 ? memory * 2 : memorySwap, ...checkCpu(checked), pidsLimit: pidsLimit(checked) };
}

/**
 * An update's body: only what it sets (non-zero; PidsLimit whenever present, since -1 and 0
 * reset it to unlimited). Checked against the container's current limits by the engine.
 */
export function decodeResourceUpdate(body: Json, limits: ResourceLimits): ResourceUpdate {
  const checked = { raw: body, prefix: '', limits };
  const all = { ...checkMemory(checked, true), ...checkCpu(checked) };
  const update: ResourceUpdate = Object.fromEntries(Object.entries(all).filter(([, value]) => value !== 0));
  if (body['PidsLimit'] !== undefined && body['PidsLimit'] !== null) update.pidsLimit = pidsLimit(checked);
  return update;
}
