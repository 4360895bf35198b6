/**
 * `--group-add`, `--read-only`, `--sysctl`, `--ulimit`, `--shm-size`, `--init` and `--oom-score-adj` decoded into a
 * typed ContainerIsolation, with Docker's checks (moby opts.ValidateSysctl, the daemon's
 * verifyPlatformContainerSettings, go-units' ulimit names): a sysctl outside the namespaced keys
 * Docker allows, a `net.*` one without a network namespace of its own, an unknown ulimit or a soft
 * limit above its hard one, a negative shm size, an OOM score adjustment outside [-1000, 1000]: each a 400 naming it, before anything is created.
 * Keys and values are checked for shape here, as they end up as paths and file contents in runc.
 */
import { invalid } from '../../errors/index.js';
import type { ContainerIsolation, Ulimit } from '../../model/isolation.js';
import { bool, strings, stringMap } from './json.js';

/** Docker's allowed IPC keys; `net.*` and `fs.mqueue.*` are allowed by prefix. */
const IPC_SYSCTLS = new Set(['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced']);

/** Dotted words (runc turns the dots into a path under /proc/sys): no "..", no empty segment. */
const SYSCTL_KEY = /^[a-z0-9_-]+(?:[./][A-Za-z0-9_@:-]+)+$/;
const MAX_SYSCTL_VALUE = 4096;

/** go-units' names; each is the kernel's RLIMIT_<NAME>. */
export const ULIMIT_NAMES: readonly string[] = ['core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack'];

const sysctlRefused = (key: string, why: string): Error => invalid('sysctl', `invalid HostConfig.Sysctls (--sysctl) ${JSON.stringify(key.slice(0, 128))}: ${why}`);

function checkSysctl(key: string, value: string, networkMode: string): void {
  if (!SYSCTL_KEY.test(key)) throw sysctlRefused(key, 'not a sysctl name');
  const namespaced = IPC_SYSCTLS.has(key) || key.startsWith('net.') || key.startsWith('fs.mqueue.');
  if (!namespaced) throw sysctlRefused(key, 'not a namespaced sysctl Docker allows (net.*, fs.mqueue.*, kernel.msg*/sem/shm*)');
  if (key.startsWith('net.') && (networkMode === 'host' || networkMode.startsWith('container:'))) {
    throw sysctlRefused(key, `not allowed in the network namespace of network mode ${JSON.stringify(networkMode)}`);
  }
  // Written to /proc/sys as the file's content: one line of printable text.
  if (value.length > MAX_SYSCTL_VALUE || /[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) throw sysctlRefused(key, 'the value is not one line of text');
}

export function decodeSysctls(value: unknown, networkMode: string): Record<string, string> {
  const sysctls = stringMap(value, 'HostConfig.Sysctls');
  for (const [key, setting] of Object.entries(sysctls)) checkSysctl(key, setting, networkMode);
  return sysctls;
}

const limit = (value: unknown, field: string): number => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw invalid('ulimit', `${field} must be a whole number, 0 or more`);
  return value;
};

export function decodeUlimits(value: unknown): Ulimit[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid('request', 'HostConfig.Ulimits must be an array');
  const byName = new Map<string, Ulimit>();
  for (const item of value as unknown[]) {
    if (typeof item !== 'object' || item === null) throw invalid('request', 'HostConfig.Ulimits entries must be objects');
    const entry = item as Record<string, unknown>;
    const name = typeof entry['Name'] === 'string' ? entry['Name'] : '';
    if (!ULIMIT_NAMES.includes(name)) throw invalid('ulimit', `invalid HostConfig.Ulimits (--ulimit): unknown ulimit ${JSON.stringify(name.slice(0, 64))}`);
    const soft = limit(entry['Soft'], `HostConfig.Ulimits ${name} Soft`);
    const hard = limit(entry['Hard'], `HostConfig.Ulimits ${name} Hard`);
    if (soft > hard) throw invalid('ulimit', `invalid HostConfig.Ulimits (--ulimit) ${name}: soft limit ${soft} is above hard limit ${hard}`);
    byName.set(name, { name, soft, hard });
  }
  return [...byName.values()];
}

function decodeShmSize(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid('request', 'HostConfig.ShmSize must be a whole number');
  if (value < 0) throw invalid('shm-size', 'HostConfig.ShmSize (--shm-size): SHM size can not be less than 0');
  return value;
}

/** Docker's range check (daemon_unix.go verifyPlatformContainerSettings), its message. */
function decodeOomScoreAdj(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid('request', 'HostConfig.OomScoreAdj must be a whole number');
  if (value < -1000 || value > 1000) throw invalid('oom-score-adj', `Invalid value ${value}, range for oom score adj is [-1000, 1000]`);
  return value;
}

/** GroupAdd entries are names or numbers, looked up in the container's /etc/group at start. */
function decodeGroupAdd(value: unknown): string[] {
  const groups = strings(value, 'HostConfig.GroupAdd');
  for (const group of groups) {
    if (!/^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,63}$/.test(group)) throw invalid('group-add', `invalid HostConfig.GroupAdd (--group-add) ${JSON.stringify(group.slice(0, 64))}: not a group name or number`);
  }
  return groups;
}

export function decodeIsolation(host: Record<string, unknown>, networkMode: string): ContainerIsolation {
  const oomScoreAdj = decodeOomScoreAdj(host['OomScoreAdj']);
  return {
    groupAdd: decodeGroupAdd(host['GroupAdd']),
    readonlyRootfs: bool(host['ReadonlyRootfs'], 'HostConfig.ReadonlyRootfs'),
    sysctls: decodeSysctls(host['Sysctls'], networkMode),
    ulimits: decodeUlimits(host['Ulimits']),
    shmSize: decodeShmSize(host['ShmSize']),
    init: bool(host['Init'], 'HostConfig.Init'),
    ...(oomScoreAdj !== 0 ? { oomScoreAdj } : {}),
  };
}
