/**
 * Facts of the running kernel read from /proc and /sys: cgroup layout, overlayfs, seccomp,
 * AppArmor, br_netfilter and the forwarding sysctls of the namespace conet doctor runs in.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import type { CgroupMode, HostFacts } from '../../../model/doctor.js';
import { appArmorEnabled } from '../host-security.js';
import { probeInThrowawayNamespace } from './link-probes.js';

/** A file's trimmed text, or undefined when it can't be read (the feature isn't there). */
async function readText(file: string): Promise<string | undefined> {
  return readFile(file, 'utf8').then((text) => text.trim(), () => undefined);
}

const CGROUP2_MAGIC = 'cgroup2';

/** Read from init's mount table (the host's view: `ip netns exec` remounts /sys in its own). v2: /sys/fs/cgroup is cgroup2 itself; hybrid: v1 controllers and a cgroup2 `unified` beside them. */
export async function cgroupMode(root = '/sys/fs/cgroup', mounts?: string): Promise<{ mode: CgroupMode; v1Controllers: string[] }> {
  const table = mounts ?? (await readText('/proc/1/mounts')) ?? (await readText('/proc/self/mounts')) ?? '';
  const entries = table.split('\n').map((line) => line.split(' ')).filter((fields) => fields.length >= 3);
  const at = (path: string): string | undefined => entries.filter((fields) => fields[1] === path).at(-1)?.[2];
  if (at(root) === CGROUP2_MAGIC) return { mode: 'v2', v1Controllers: [] };
  const v1 = entries.filter((fields) => fields[2] === 'cgroup' && (fields[1] ?? '').startsWith(`${root}/`)).map((fields) => (fields[1] ?? '').slice(root.length + 1)).sort();
  if (v1.length === 0) return { mode: 'none', v1Controllers: [] };
  return { mode: at(`${root}/unified`) === CGROUP2_MAGIC ? 'hybrid' : 'v1', v1Controllers: v1 };
}

async function brNetfilter(): Promise<HostFacts['brNetfilter']> {
  const call = await readText('/proc/sys/net/bridge/bridge-nf-call-iptables');
  return call === undefined ? { loaded: false } : { loaded: true, callIptables: call === '1' };
}

export async function readHostFacts(): Promise<HostFacts> {
  const [probe, cgroups, filesystems, status, appArmor, forward, rp, bridge] = await Promise.all([
    probeInThrowawayNamespace(),
    cgroupMode(),
    readText('/proc/filesystems'),
    readText('/proc/self/status'),
    appArmorEnabled(),
    readText('/proc/sys/net/ipv4/ip_forward'),
    readText('/proc/sys/net/ipv4/conf/all/rp_filter'),
    brNetfilter(),
  ]);
  return {
    ...probe,
    brNetfilter: bridge,
    cgroups,
    overlayfs: /\toverlay$/m.test(filesystems ?? ''),
    seccomp: /^Seccomp:/m.test(status ?? '') && /^Seccomp_filters:/m.test(status ?? ''),
    appArmor,
    ipForward: forward === '1',
    rpFilter: Number(rp ?? '0'),
  };
}

/** Names of running processes (their /proc/PID/comm) among `wanted`. */
export async function runningProcesses(wanted: readonly string[]): Promise<string[]> {
  const pids = (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry));
  const names = await Promise.all(pids.map((pid) => readText(`/proc/${pid}/comm`)));
  return [...new Set(names.filter((name): name is string => name !== undefined && wanted.includes(name)))].sort();
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}
