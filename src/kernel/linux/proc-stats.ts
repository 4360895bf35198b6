/**
 * Host-wide figures `docker stats` divides by (/proc/stat's CPU time, /proc/meminfo's total) and a
 * process's network counters (/proc/PID/net/dev is the table of the namespace PID lives in: a
 * container's interfaces are read without entering its namespace or spawning anything). Pure
 * parsers and the reads behind them.
 */
import { readFileSync } from 'node:fs';
import type { InterfaceCounters } from '../../model/stats.js';

const TICKS_PER_SECOND = 100;

/** The "cpu" line's user … softirq ticks as ns (Docker's getSystemCPUUsage), and the CPUs listed. */
export function parseProcStat(content: string): { systemCpuNs: number; onlineCpus: number } {
  let systemCpuNs = 0;
  let onlineCpus = 0;
  for (const line of content.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] === 'cpu') systemCpuNs = fields.slice(1, 8).reduce((sum, ticks) => sum + Number(ticks), 0) * (1e9 / TICKS_PER_SECOND);
    else if (/^cpu\d+$/.test(fields[0] ?? '')) onlineCpus += 1;
  }
  return { systemCpuNs, onlineCpus };
}

/** MemTotal in bytes. */
export function parseMemTotal(content: string): number {
  const match = /^MemTotal:\s+(\d+) kB$/m.exec(content);
  return match ? Number(match[1]) * 1024 : 0;
}

/** /proc/net/dev: per interface, loopback left out (Docker counts the container's own links). */
export function parseNetDev(content: string): Record<string, InterfaceCounters> {
  const result: Record<string, InterfaceCounters> = {};
  for (const line of content.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim();
    if (colon < 0 || name === 'lo' || name === '') continue;
    const v = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    const counters: InterfaceCounters = {
      rxBytes: v[0] ?? 0, rxPackets: v[1] ?? 0, rxErrors: v[2] ?? 0, rxDropped: v[3] ?? 0,
      txBytes: v[8] ?? 0, txPackets: v[9] ?? 0, txErrors: v[10] ?? 0, txDropped: v[11] ?? 0,
    };
    Object.defineProperty(result, name, { value: counters, enumerable: true, writable: true });
  }
  return result;
}

// Synchronous reads of pseudo-files, answered from memory: see cgroup-stats.ts.

export function readSystemCpu(proc = '/proc'): { systemCpuNs: number; onlineCpus: number } {
  return parseProcStat(readFileSync(`${proc}/stat`, 'utf8'));
}

export function readMemTotal(proc = '/proc'): number {
  return parseMemTotal(readFileSync(`${proc}/meminfo`, 'utf8'));
}

/** The interfaces of the namespace `pid` is in; empty when the process is gone. */
export function readNetDev(pid: number, proc = '/proc'): Record<string, InterfaceCounters> {
  try {
    return parseNetDev(readFileSync(`${proc}/${pid}/net/dev`, 'utf8'));
  } catch {
    // The process exited between the caller's check and this read: no interfaces to count.
    return {};
  }
}
