/**
 * The OCI runtime config (config.json) for one container, built as Docker 20.10 builds it
 * (moby oci/defaults.go + daemon/oci_linux.go): the default capability set without NET_ADMIN or
 * SYS_ADMIN, masked and read-only /proc paths, the standard mounts, and the per-container
 * /etc/hosts, /etc/hostname and /etc/resolv.conf bind-mounted, and the container's confinement
 * (capabilities, seccomp filter, AppArmor profile, no-new-privileges: see confinement.ts). Pure: a
 * value in, a value out. Not yet: user namespaces, resource limits.
 */
import { invalid } from '../../errors/index.js';
import { DEFAULT_CAPABILITIES } from '../../model/capabilities.js';
import { MASKED_PATHS, READONLY_PATHS } from '../../model/container-paths.js';
import type { Confinement } from './confinement.js';

export { DEFAULT_CAPABILITIES };

export interface OciSpecOptions {
  /** The container's root filesystem (the mounted overlay). */
  rootfs: string;
  args: readonly string[];
  env: readonly string[];
  cwd: string;
  hostname: string;
  terminal: boolean;
  /** `uid[:gid]` numeric; names are resolved by the caller. */
  user?: { uid: number; gid: number };
  /** Join this network namespace (made by the network layer); otherwise runc makes a fresh one. */
  netnsPath?: string;
  /** Share the daemon's network namespace (`--network host`); wins over netnsPath. */
  hostNetwork?: boolean;
  /** Host files bind-mounted over the image's. */
  etc?: { hosts?: string; hostname?: string; resolvConf?: string };
  /** Capabilities, seccomp filter, AppArmor profile, no-new-privileges (confinementOf decides them). */
  confinement: Confinement;
}

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

interface Mount {
  destination: string;
  type: string;
  source: string;
  options: string[];
}

function standardMounts(): Mount[] {
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
  ];
}

function etcMounts(etc: OciSpecOptions['etc'] = {}): Mount[] {
  const bind = (destination: string, source: string | undefined): Mount[] =>
    source ? [{ destination, type: 'bind', source, options: ['rbind', 'rprivate'] }] : [];
  return [...bind('/etc/resolv.conf', etc.resolvConf), ...bind('/etc/hostname', etc.hostname), ...bind('/etc/hosts', etc.hosts)];
}

function namespaces(options: OciSpecOptions): Array<{ type: string; path?: string }> {
  const list: Array<{ type: string; path?: string }> = [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }];
  if (options.hostNetwork) return list;
  list.push(options.netnsPath ? { type: 'network', path: options.netnsPath } : { type: 'network' });
  return list;
}

/** Docker adds PATH when the image and the request set none. */
function withPath(env: readonly string[]): string[] {
  return env.some((entry) => entry.startsWith('PATH=')) ? [...env] : [DEFAULT_PATH, ...env];
}

export function buildOciSpec(options: OciSpecOptions): Record<string, unknown> {
  if (options.args.length === 0) throw invalid('no-command', 'no command specified');
  const { confinement } = options;
  const capabilities = [...confinement.capabilities];
  return {
    ociVersion: '1.0.2-dev',
    process: {
      terminal: options.terminal,
      user: { uid: options.user?.uid ?? 0, gid: options.user?.gid ?? 0 },
      args: [...options.args],
      env: withPath(options.env),
      cwd: options.cwd || '/',
      capabilities: { bounding: capabilities, effective: capabilities, permitted: capabilities },
      noNewPrivileges: confinement.noNewPrivileges,
      ...(confinement.appArmorProfile ? { apparmorProfile: confinement.appArmorProfile } : {}),
      oomScoreAdj: 0,
    },
    root: { path: options.rootfs, readonly: false },
    hostname: options.hostNetwork ? undefined : options.hostname,
    mounts: [...standardMounts(), ...etcMounts(options.etc)],
    linux: {
      resources: { devices: [{ allow: false, access: 'rwm' }] },
      namespaces: namespaces(options),
      maskedPaths: [...MASKED_PATHS],
      readonlyPaths: [...READONLY_PATHS],
      ...(confinement.seccomp ? { seccomp: confinement.seccomp } : {}),
    },
  };
}
