/**
 * A stats frame in Docker's JSON (types.StatsJSON at API 1.41, cgroup v1 names): what the docker
 * CLI's columns are computed from (cpu_stats against precpu_stats, memory_stats' usage minus
 * total_inactive_file, networks' rx/tx, blkio_stats' Read/Write, pids_stats' current).
 */
import type { StatsFrame } from '../../engine/containers/container-resources.js';
import { ZERO_TIME } from '../../model/container.js';
import type { InterfaceCounters, StatsSample } from '../../model/stats.js';

function cpuStats(sample: StatsSample | undefined): Record<string, unknown> {
  if (!sample) return { cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } };
  const { cpu, throttling } = sample.cgroup;
  return {
    cpu_usage: {
      total_usage: cpu.totalNs,
      ...(cpu.perCpuNs.length > 0 ? { percpu_usage: cpu.perCpuNs } : {}),
      usage_in_kernelmode: cpu.kernelNs,
      usage_in_usermode: cpu.userNs,
    },
    system_cpu_usage: sample.systemCpuNs,
    online_cpus: sample.onlineCpus,
    throttling_data: { periods: throttling.periods, throttled_periods: throttling.throttledPeriods, throttled_time: throttling.throttledTimeNs },
  };
}

function memoryStats(sample: StatsSample | undefined): Record<string, unknown> {
  if (!sample) return {};
  const { memory } = sample.cgroup;
  return { usage: memory.usage, max_usage: memory.maxUsage, stats: memory.stats, failcnt: memory.failcnt, limit: memory.limit };
}

function blkioStats(sample: StatsSample | undefined): Record<string, unknown> {
  const entries = sample?.cgroup.ioServiceBytes ?? [];
  const none = { io_serviced_recursive: null, io_queue_recursive: null, io_service_time_recursive: null, io_wait_time_recursive: null, io_merged_recursive: null, io_time_recursive: null, sectors_recursive: null };
  return { io_service_bytes_recursive: entries.length > 0 ? entries : null, ...none };
}

function network(counters: InterfaceCounters): Record<string, number> {
  return {
    rx_bytes: counters.rxBytes, rx_packets: counters.rxPackets, rx_errors: counters.rxErrors, rx_dropped: counters.rxDropped,
    tx_bytes: counters.txBytes, tx_packets: counters.txPackets, tx_errors: counters.txErrors, tx_dropped: counters.txDropped,
  };
}

export function renderStats(frame: StatsFrame): Record<string, unknown> {
  const { sample, previous } = frame;
  const pids = sample ? { current: sample.cgroup.pids.current, ...(sample.cgroup.pids.limit > 0 ? { limit: sample.cgroup.pids.limit } : {}) } : {};
  const networks = sample?.networks;
  return {
    read: sample?.read ?? ZERO_TIME,
    preread: previous?.read ?? ZERO_TIME,
    pids_stats: pids,
    blkio_stats: blkioStats(sample),
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpuStats(sample),
    precpu_stats: cpuStats(previous),
    memory_stats: memoryStats(sample),
    name: `/${frame.name}`,
    id: frame.id,
    ...(networks && Object.keys(networks).length > 0 ? { networks: Object.fromEntries(Object.entries(networks).map(([name, counters]) => [name, network(counters)])) } : {}),
  };
}
