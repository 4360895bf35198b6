/**
 * The OCI runtime config (config.json) for one container, built as Docker 20.10 builds it
 * (moby oci/defaults.go + daemon/oci_linux.go): the default capability set without NET_ADMIN or
 * SYS_ADMIN, masked and read-only /proc paths, the standard mounts, and the per-container
 * /etc/hosts, /etc/hostname and /etc/resolv.conf bind-mounted, and the container's confinement
 * (capabilities, seccomp filter, AppArmor profile, no-new-privileges: see confinement.ts), and its
 * isolation options: the resolved user and groups, a read-only root, sysctls, rlimits, the size of
 * /dev/shm, and with `--init` Docker's docker-init (tini) bind-mounted read-only at
 * /sbin/docker-init as PID 1 in front of the command. Resource limits go into linux.resources,
 * where runc writes them to the cgroups it creates (oci-resources.ts); the container sees its own
 * cgroups read-only at /sys/fs/cgroup, as in Docker. Pure: a value in, a value out. Not yet: user
 * namespaces.
 */
import { invalid } from '../../errors/index.js';
import { DEFAULT_CAPABILITIES } from '../../model/capabilities.js';
import { MASKED_PATHS, READONLY_PATHS } from '../../model/container-paths.js';
import type { Confinement } from './confinement.js';
import type { OciMount } from './mount-setup.js';
import { DEFAULT_SHM_SIZE, type ContainerIsolation } from '../../model/isolation.js';

/** Where Docker mounts its init binary in the container, and how it runs the command behind it. */
export const INIT_PATH_IN_CONTAINER = '/sbin/docker-init';
import type { ContainerResources } from '../../model/resources.js';
import { ociResources, type DeviceNumbers } from './oci-resources.js';
import type { HostDevice } from '../../kernel/linux/host-devices.js';

export { DEFAULT_CAPABILITIES };

export interface OciSpecOptions {
  /** The container's root filesystem (the mounted overlay). */
  rootfs: string;
  args: readonly string[];
  env: readonly string[];
  cwd: string;
  hostname: string;
  terminal: boolean;
  /** Numeric; names are resolved by the caller (exec-user.ts). */
  user?: { uid: number; gid: number; additionalGids?: number[] };
  /** Read-only root, sysctls, ulimits, /dev/shm size, init (groups are in `user`). */
  isolation?: Omit<ContainerIsolation, 'groupAdd'>;
  /** The host's init binary for `--init` (tini-static). */
  initPath?: string;
  /** Join this network namespace (made by the network layer); otherwise runc makes a fresh one. */
  netnsPath?: string;
  /** Share the daemon's network namespace (`--network host`); wins over netnsPath. */
  hostNetwork?: boolean;
  /** Host files bind-mounted over the image's. */
  etc?: { hosts?: string; hostname?: string; resolvConf?: string };
  /** Capabilities, seccomp filter, AppArmor profile, no-new-privileges (confinementOf decides them). */
  confinement: Confinement;
  /** The container's own mounts (binds, tmpfs), destinations already resolved inside the root (mount-setup.ts). */
  mounts?: readonly OciMount[];
  /** What its shared or slave binds need of the root's propagation. */
  rootfsPropagation?: 'shared' | 'rslave';
  /** `--memory`, `--cpus`, `--cpuset-cpus` … (oci-resources.ts). */
  resources?: ContainerResources;
  /** `--privileged`: the host's device nodes, made in the container's /dev (linux.devices). */
  hostDevices?: readonly HostDevice[];
  /** The numbers of the block devices the per-device blkio options name. */
  blockDevices?: DeviceNumbers;
}

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

type Mount = OciMount;

/** Docker's privileged containers get /sys and their cgroups read-write (clearReadOnly). */
function writableSys(mounts: Mount[]): Mount[] {
  return mounts.map((mount) => (mount.destination === '/sys' || mount.destination === '/sys/fs/cgroup' ? { ...mount, options: mount.options.filter((option) => option !== 'ro') } : mount));
}

function standardMounts(shmSize: number, privileged: boolean): Mount[] {
  const mounts: Mount[] = [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    // runc mounts the container's own cgroup directories there (bind mounts on cgroup v1).
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['ro', 'nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${shmSize}`] },
  ];
  return privileged ? writableSys(mounts) : mounts;
}

function etcMounts(etc: OciSpecOptions['etc'] = {}): Mount[] {
  const bind = (destination: string, source: string | undefined): Mount[] =>
    source ? [{ destination, type: 'bind', source, options: ['rbind', 'rprivate'] }] : [];
  return [...bind('/etc/resolv.conf', etc.resolvConf), ...bind('/etc/hostname', etc.hostname), ...bind('/etc/hosts', etc.hosts)];
}

/**
 * The standard and /etc mounts the container's own mounts don't replace (Docker drops a default
 * on the same destination, and every /dev/* one when /dev itself is mounted), then its own.
 */
function allMounts(options: OciSpecOptions): Mount[] {
  const own = options.mounts ?? [];
  const taken = new Set(own.map((mount) => mount.destination));
  const replaced = (mount: Mount): boolean => taken.has(mount.destination) || (taken.has('/dev') && mount.destination.startsWith('/dev/'));
  const shmSize = options.isolation?.shmSize || DEFAULT_SHM_SIZE;
  const defaults = [...standardMounts(shmSize, options.confinement.privileged === true), ...etcMounts(options.etc), ...initMounts(options)].filter((mount) => !replaced(mount));
  return [...defaults, ...own.map((mount) => ({ ...mount, options: [...mount.options] }))];
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

function initMounts(options: OciSpecOptions): Mount[] {
  if (!options.isolation?.init) return [];
  if (!options.initPath) throw invalid('init', 'conet has no init binary (tini-static) configured for --init');
  return [{ destination: INIT_PATH_IN_CONTAINER, type: 'bind', source: options.initPath, options: ['bind', 'ro'] }];
}

/** OCI rlimits from Docker's ulimit names ("nofile" -> RLIMIT_NOFILE). */
function rlimits(isolation: OciSpecOptions['isolation']): Array<{ type: string; soft: number; hard: number }> {
  return (isolation?.ulimits ?? []).map((ulimit) => ({ type: `RLIMIT_${ulimit.name.toUpperCase()}`, soft: ulimit.soft, hard: ulimit.hard }));
}

function processUser(user: OciSpecOptions['user']): Record<string, unknown> {
  const additionalGids = user?.additionalGids ?? [];
  return { uid: user?.uid ?? 0, gid: user?.gid ?? 0, ...(additionalGids.length > 0 ? { additionalGids } : {}) };
}

/**
 * linux.devices and the device cgroup rules: a privileged container gets the host's devices and
 * may use any device (Docker's `a *:* rwm`); others only runc's defaults (null, zero, tty …).
 */
function devices(options: OciSpecOptions): Record<string, unknown> {
  const limits = ociResources(options.resources, options.blockDevices);
  if (!options.confinement.privileged) return { resources: { devices: [{ allow: false, access: 'rwm' }], ...limits } };
  return {
    devices: (options.hostDevices ?? []).map((device) => ({ ...device })),
    resources: { devices: [{ allow: true, access: 'rwm' }], ...limits },
  };
}

export function buildOciSpec(options: OciSpecOptions): Record<string, unknown> {
  if (options.args.length === 0) throw invalid('no-command', 'no command specified');
  const { confinement, isolation } = options;
  const capabilities = [...confinement.capabilities];
  const limits = rlimits(isolation);
  return {
    ociVersion: '1.0.2-dev',
    process: {
      terminal: options.terminal,
      user: processUser(options.user),
      args: isolation?.init ? [INIT_PATH_IN_CONTAINER, '--', ...options.args] : [...options.args],
      env: withPath(options.env),
      cwd: options.cwd || '/',
      capabilities: { bounding: capabilities, effective: capabilities, permitted: capabilities },
      noNewPrivileges: confinement.noNewPrivileges,
      ...(confinement.appArmorProfile ? { apparmorProfile: confinement.appArmorProfile } : {}),
      ...(limits.length > 0 ? { rlimits: limits } : {}),
      oomScoreAdj: isolation?.oomScoreAdj ?? 0,
    },
    root: { path: options.rootfs, readonly: isolation?.readonlyRootfs === true },
    hostname: options.hostNetwork ? undefined : options.hostname,
    mounts: allMounts(options),
    linux: {
      ...devices(options),
      namespaces: namespaces(options),
      // Docker: a privileged container has no masked or read-only paths.
      maskedPaths: confinement.privileged ? [] : [...MASKED_PATHS],
      readonlyPaths: confinement.privileged ? [] : [...READONLY_PATHS],
      ...(Object.keys(isolation?.sysctls ?? {}).length > 0 ? { sysctl: { ...isolation?.sysctls } } : {}),
      ...(confinement.seccomp ? { seccomp: confinement.seccomp } : {}),
      ...(options.rootfsPropagation ? { rootfsPropagation: options.rootfsPropagation } : {}),
    },
  };
}
