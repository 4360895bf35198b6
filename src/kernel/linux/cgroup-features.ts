/**
 * What this host's cgroups offer containers, read once at daemon start as Docker's sysinfo does:
 * the CPUs and memory nodes cpuset may pin to (the root cpuset's effective lists: v1's
 * `cpuset/cpuset.effective_cpus`, v2's `cpuset.cpus.effective`), and whether the blkio
 * controller has a proportional weight (`blkio.weight` of CFQ, or BFQ's `blkio.bfq.weight`; v2's
 * `io.weight`/`io.bfq.weight`), a per-device weight and the throttle files. A file that can't be read means "not there".
 */
import { access, readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { CgroupFeatures } from '../../model/resources.js';

const LIST = /^[0-9,-]+$/;

async function firstList(files: readonly string[]): Promise<string | undefined> {
  for (const file of files) {
    // Missing (another cgroup version or no cpuset controller): the next candidate.
    const text = (await readFile(file, 'utf8').catch(() => '')).trim();
    if (LIST.test(text)) return text;
  }
  return undefined;
}

async function anyExists(files: readonly string[]): Promise<boolean> {
  for (const file of files) {
    // Missing: not this kernel's (or scheduler's) file.
    if (await access(file).then(() => true, () => false)) return true;
  }
  return false;
}

export async function readCgroupFeatures(root = '/sys/fs/cgroup'): Promise<CgroupFeatures> {
  const cpus = availableParallelism();
  return {
    cpusetCpus: (await firstList([join(root, 'cpuset/cpuset.effective_cpus'), join(root, 'cpuset/cpuset.cpus'), join(root, 'cpuset.cpus.effective')])) ?? (cpus > 1 ? `0-${cpus - 1}` : '0'),
    cpusetMems: (await firstList([join(root, 'cpuset/cpuset.effective_mems'), join(root, 'cpuset/cpuset.mems'), join(root, 'cpuset.mems.effective')])) ?? '0',
    blkioWeight: await anyExists([join(root, 'blkio/blkio.weight'), join(root, 'blkio/blkio.bfq.weight'), join(root, 'io.weight'), join(root, 'io.bfq.weight')]),
    blkioDevices: {
      weight: await anyExists([join(root, 'blkio/blkio.weight_device'), join(root, 'io.weight')]),
      readBps: await anyExists([join(root, 'blkio/blkio.throttle.read_bps_device'), join(root, 'io.max')]),
      writeBps: await anyExists([join(root, 'blkio/blkio.throttle.write_bps_device'), join(root, 'io.max')]),
      readIOps: await anyExists([join(root, 'blkio/blkio.throttle.read_iops_device'), join(root, 'io.max')]),
      writeIOps: await anyExists([join(root, 'blkio/blkio.throttle.write_iops_device'), join(root, 'io.max')]),
    },
  };
}
