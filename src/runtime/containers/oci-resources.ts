/**
 * A container's resource limits as the OCI spec's linux.resources (memory, cpu, cpuset, blkio
 * weight, pids): runc writes them to the cgroups it creates at create, and again at `runc
 * update`. Only what is set appears; unset means the kernel's default (unlimited, 1024 shares,
 * every CPU). The CFS period and quota come from NanoCpus or from CpuPeriod/CpuQuota, never both
 * (the decoder refuses the mix). Pure.
 */
import { cpuQuotaOf, CPU_PERIOD_US, type ContainerResources, type DeviceValue } from '../../model/resources.js';

type OciDeviceRate = { major: number; minor: number; rate: number };

export interface OciResources {
  memory?: { limit?: number; swap?: number; reservation?: number };
  cpu?: { shares?: number; quota?: number; period?: number; cpus?: string; mems?: string };
  blockIO?: {
    weight?: number;
    weightDevice?: Array<{ major: number; minor: number; weight: number }>;
    throttleReadBpsDevice?: OciDeviceRate[];
    throttleWriteBpsDevice?: OciDeviceRate[];
    throttleReadIOPSDevice?: OciDeviceRate[];
    throttleWriteIOPSDevice?: OciDeviceRate[];
  };
  pids?: { limit: number };
}

const some = <T extends object>(value: T): T | undefined => (Object.keys(value).length > 0 ? value : undefined);

function memory(resources: ContainerResources): OciResources['memory'] | undefined {
  const reservation = (resources.memoryReservation ?? 0) > 0 ? { reservation: resources.memoryReservation } : {};
  if (resources.memory <= 0) return some(reservation);
  // -1: unlimited swap; 0 (an update that set no swap): runc leaves memsw as it is.
  return { limit: resources.memory, ...(resources.memorySwap !== 0 ? { swap: resources.memorySwap } : {}), ...reservation };
}

/** The CFS period and quota: `--cpus` over Docker's 100 ms period, or `--cpu-period`/`--cpu-quota` as given. */
function cfs(resources: ContainerResources): Pick<NonNullable<OciResources['cpu']>, 'quota' | 'period'> {
  if (resources.nanoCpus > 0) return { quota: cpuQuotaOf(resources.nanoCpus), period: CPU_PERIOD_US };
  return {
    ...((resources.cpuQuota ?? 0) !== 0 ? { quota: resources.cpuQuota } : {}),
    ...((resources.cpuPeriod ?? 0) > 0 ? { period: resources.cpuPeriod } : {}),
  };
}

function cpu(resources: ContainerResources): OciResources['cpu'] | undefined {
  return some({
    ...(resources.cpuShares > 0 ? { shares: resources.cpuShares } : {}),
    ...cfs(resources),
    ...(resources.cpusetCpus ? { cpus: resources.cpusetCpus } : {}),
    ...(resources.cpusetMems ? { mems: resources.cpusetMems } : {}),
  });
}

/** Device numbers by path (looked up on the host at start). */
export type DeviceNumbers = ReadonlyMap<string, { major: number; minor: number }>;

/** The per-device entries whose numbers are known (a `runc update` has none, and leaves them as they are). */
function blockIO(resources: ContainerResources, numbers: DeviceNumbers): OciResources['blockIO'] | undefined {
  const devices = resources.blkioDevices;
  const rates = (values: readonly DeviceValue[]): OciDeviceRate[] =>
    values.flatMap((device) => {
      const found = numbers.get(device.path);
      return found ? [{ ...found, rate: device.value }] : [];
    });
  const weightDevice = rates(devices?.weight ?? []).map(({ rate, ...device }) => ({ ...device, weight: rate }));
  const result = {
    ...((resources.blkioWeight ?? 0) > 0 ? { weight: resources.blkioWeight } : {}),
    ...(weightDevice.length > 0 ? { weightDevice } : {}),
    ...named('throttleReadBpsDevice', rates(devices?.readBps ?? [])),
    ...named('throttleWriteBpsDevice', rates(devices?.writeBps ?? [])),
    ...named('throttleReadIOPSDevice', rates(devices?.readIOps ?? [])),
    ...named('throttleWriteIOPSDevice', rates(devices?.writeIOps ?? [])),
  };
  return some(result);
}

const named = (key: string, list: OciDeviceRate[]): Record<string, OciDeviceRate[]> => (list.length > 0 ? { [key]: list } : {});

export function ociResources(resources: ContainerResources | undefined, numbers: DeviceNumbers = new Map()): OciResources {
  if (!resources) return {};
  const result: OciResources = {};
  const memoryLimits = memory(resources);
  const cpuLimits = cpu(resources);
  if (memoryLimits) result.memory = memoryLimits;
  if (cpuLimits) result.cpu = cpuLimits;
  const io = blockIO(resources, numbers);
  if (io) result.blockIO = io;
  if (resources.pidsLimit > 0) result.pids = { limit: resources.pidsLimit };
  return result;
}
