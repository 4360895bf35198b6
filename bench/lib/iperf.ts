/**
 * iperf3 and ping between two network namespaces, for the throughput benchmarks. Every process
 * runs as `nsenter --net=PATH …` (nsenter execs: the PID we hold is iperf3's own), through
 * src/exec; servers are stopped by PID in the caller's finally.
 */
import { readFile } from 'node:fs/promises';
import { startProcess, type ProcessHandle } from '../../src/exec/index.js';
import { sh } from './common.js';

export const IPERF_PORT = 5201;

export interface TcpSample {
  /** Received by the server, Gbit/s. */
  gbps: number;
  retransmits: number;
  /** iperf3's own CPU figures (% of one core, user+system of its process). */
  senderCpu: number;
  receiverCpu: number;
  /** Whole machine, all CPUs, during the run: 100 = every core busy. */
  machineBusy: number;
}

export interface UdpSample {
  offeredMbps: number;
  receivedMbps: number;
  lostPercent: number;
  jitterMs: number;
}

export interface RttSample {
  n: number;
  /** Per-reply round trip times, ms. */
  times: number[];
  lost: number;
}

const inNs = (nsPath: string, argv: readonly string[]): string[] => ['nsenter', `--net=${nsPath}`, '--', ...argv];

/** Starts `iperf3 -s` inside a namespace and waits (bounded) until it listens. */
export async function startIperfServer(nsPath: string, logFile?: string): Promise<ProcessHandle> {
  const server = startProcess(inNs(nsPath, ['iperf3', '-s', '-p', String(IPERF_PORT)]), logFile ? { logFile } : {});
  try {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const listening = await sh(inNs(nsPath, ['ss', '-Hltn', 'sport', '=', `:${IPERF_PORT}`]), { timeoutMs: 5_000 });
      if (listening.stdout.trim()) return server;
      const exited = await Promise.race([server.exited.then((code) => code), new Promise<undefined>((r) => setTimeout(() => r(undefined), 50))]);
      if (exited !== undefined) throw new Error(`iperf3 -s exited ${exited} in ${nsPath}`);
      if (Date.now() > deadline) throw new Error(`iperf3 -s did not listen within 10 s in ${nsPath}`);
    }
  } catch (error) {
    await server.stop(2_000);
    throw error;
  }
}

interface IperfEnd {
  sum_received?: { bits_per_second?: number; lost_percent?: number; jitter_ms?: number };
  sum_sent?: { bits_per_second?: number; retransmits?: number };
  cpu_utilization_percent?: { host_total?: number; remote_total?: number };
}

async function iperfClient(nsPath: string, address: string, args: readonly string[], seconds: number): Promise<IperfEnd> {
  const argv = inNs(nsPath, ['iperf3', '-c', address, '-p', String(IPERF_PORT), '-t', String(seconds), '-J', ...args]);
  const result = await sh(argv, { timeoutMs: (seconds + 30) * 1000 });
  let parsed: { end?: IperfEnd; error?: string } = {};
  try {
    parsed = JSON.parse(result.stdout) as typeof parsed;
  } catch {
    /* reported below */
  }
  if (result.code !== 0 || parsed.error || !parsed.end) {
    throw new Error(`iperf3 -c ${address} ${args.join(' ')}: exit ${result.code}: ${parsed.error ?? (result.stderr.trim() || result.stdout.slice(0, 300))}`);
  }
  return parsed.end;
}

async function cpuTimes(): Promise<{ busy: number; total: number }> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '';
  const [, ...fields] = line.trim().split(/\s+/);
  const xs = fields.map(Number);
  const total = xs.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (xs[3] ?? 0) + (xs[4] ?? 0);
  return { busy: total - idle, total };
}

/** One TCP run: `-O 1` leaves out the first second (slow start), then `seconds` measured. */
export async function tcpRun(clientNs: string, address: string, seconds: number): Promise<TcpSample> {
  const before = await cpuTimes();
  const end = await iperfClient(clientNs, address, ['-O', '1'], seconds);
  const after = await cpuTimes();
  return {
    gbps: (end.sum_received?.bits_per_second ?? NaN) / 1e9,
    retransmits: end.sum_sent?.retransmits ?? NaN,
    senderCpu: end.cpu_utilization_percent?.host_total ?? NaN,
    receiverCpu: end.cpu_utilization_percent?.remote_total ?? NaN,
    machineBusy: after.total > before.total ? (100 * (after.busy - before.busy)) / (after.total - before.total) : NaN,
  };
}

/** UDP at a fixed offered rate with datagrams of `length` bytes (must fit the path MTU − 28). */
export async function udpRun(clientNs: string, address: string, seconds: number, rate: string, length: number): Promise<UdpSample> {
  const end = await iperfClient(clientNs, address, ['-u', '-b', rate, '-l', String(length)], seconds);
  return {
    offeredMbps: (end.sum_sent?.bits_per_second ?? NaN) / 1e6,
    receivedMbps: (end.sum_received?.bits_per_second ?? NaN) / 1e6,
    lostPercent: end.sum_received?.lost_percent ?? NaN,
    jitterMs: end.sum_received?.jitter_ms ?? NaN,
  };
}

/** `ping -c COUNT -i 0.01` (busybox's ping: Debian's iputils-ping is not a dependency) and its per-reply times. */
export async function pingRun(clientNs: string, address: string, count: number): Promise<RttSample> {
  const result = await sh(inNs(clientNs, ['busybox', 'ping', '-c', String(count), '-i', '0.01', '-W', '2', address]), { timeoutMs: 30_000 + count * 50 });
  const times = [...result.stdout.matchAll(/time=([\d.]+) ms/g)].map((m) => Number(m[1]));
  if (times.length === 0) throw new Error(`ping ${address}: no replies (exit ${result.code}): ${result.stderr.trim() || result.stdout.slice(-200)}`);
  return { n: count, times, lost: count - times.length };
}

/**
 * Reachability (3 pings), retried for up to `withinMs`: throws with the last output (and the
 * client's neighbour table) when nothing ever answers; returns the number of attempts it took.
 */
export async function assertReachable(clientNs: string, address: string, withinMs = 15_000): Promise<number> {
  const deadline = Date.now() + withinMs;
  for (let attempt = 1; ; attempt++) {
    const result = await sh(inNs(clientNs, ['busybox', 'ping', '-c', '3', '-i', '0.2', '-W', '3', address]), { timeoutMs: 20_000 });
    if (/time=/.test(result.stdout)) return attempt;
    if (Date.now() > deadline) {
      const neigh = (await sh(inNs(clientNs, ['ip', 'neigh']))).stdout.trim().split('\n').join(', ');
      throw new Error(`${address} does not answer ping from ${clientNs} (${attempt} attempts): ${(result.stdout + result.stderr).trim().split('\n').slice(-2).join(' / ')}; neighbours: ${neigh || 'none'}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** MTU of the first non-loopback link inside a namespace. */
export async function linkMtu(nsPath: string, ifname?: string): Promise<number | undefined> {
  const result = await sh(inNs(nsPath, ['ip', '-j', 'link', 'show', ...(ifname ? ['dev', ifname] : [])]));
  try {
    const links = JSON.parse(result.stdout) as { ifname: string; mtu: number }[];
    return links.find((l) => l.ifname !== 'lo')?.mtu;
  } catch {
    return undefined;
  }
}
