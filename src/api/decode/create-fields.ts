/**
 * The contract of `POST /containers/create` and `POST /containers/{id}/update`: every field of
 * their bodies, one row each, with what conet does with it.
 *
 * - `applied`: conet does it end to end (`where` says where);
 * - `refused`: a 400 naming the field (and the CLI flag) when set to anything but what the docker
 *   CLI sends when the user didn't ask for it (`accepts`, besides the zero value: null, false,
 *   0, "", [], {}), before anything is created;
 * - `ignored-as-docker`: Docker drops it too (output-only fields, Windows-only fields, client-side
 *   or build-only metadata); `warning` when Docker says so in the create's Warnings.
 *
 * Pure data; create-fields-check.ts applies it, create-fields-doc.ts renders
 * docs/compatibility.md from it, and a unit test keeps it complete against Docker's swagger.yaml.
 * Fields Docker doesn't know are ignored, as Docker's JSON decoder ignores them.
 */

export type FieldClass = 'applied' | 'refused' | 'ignored-as-docker';

export interface FieldRule {
  /** Dotted path in the body; `*` is any key (a network name). */
  path: string;
  class: FieldClass;
  /** The docker CLI option that sets it, when there is one. */
  flag?: string;
  /** applied: where conet does it; otherwise why. */
  note: string;
  /** refused: values besides the zero value that mean "not asked for" (what the CLI sends). */
  accepts?: (value: unknown) => boolean;
  /** The accepted non-zero values, as the docs show them. */
  acceptsText?: string;
  /** refused: only null means "not asked for" (an empty list is a request too). */
  nullOnly?: boolean;
  /** ignored-as-docker: Docker's own create warning, when it gives one. */
  warning?: string;
}

/**
 * null, false, 0, "", an array of those (ConsoleSize [0,0]), an empty object. An object with a key
 * is not zero: in a map (Tmpfs, Sysctls, Volumes) the key itself is the request; the structs
 * (RestartPolicy) say what their defaults are with `accepts`.
 */
export function isZero(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return true;
  if (Array.isArray(value)) return value.every(isZero);
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

const oneOf = (...values: unknown[]) => (value: unknown): boolean => values.includes(value);

const applied = (path: string, note: string, flag?: string): FieldRule => ({ path, class: 'applied', note, ...(flag ? { flag } : {}) });
const refused = (path: string, flag?: string, accepts?: FieldRule['accepts'], acceptsText?: string): FieldRule => ({
  path, class: 'refused', note: 'not implemented yet', ...(flag ? { flag } : {}), ...(accepts ? { accepts, acceptsText: acceptsText ?? '' } : {}),
});
const ignored = (path: string, note: string, flag?: string): FieldRule => ({ path, class: 'ignored-as-docker', note, ...(flag ? { flag } : {}) });

const CONFIG: FieldRule[] = [
  applied('Hostname', 'UTS hostname, /etc/hostname, /etc/hosts', '--hostname'),
  applied('Domainname', '/etc/hosts (hostname.domainname)', '--domainname'),
  applied('User', 'process uid/gid and supplementary groups, names from the container\'s /etc/passwd and /etc/group', '--user'),
  applied('AttachStdin', 'attach', '--attach'),
  applied('AttachStdout', 'attach', '--attach'),
  applied('AttachStderr', 'attach', '--attach'),
  applied('ExposedPorts', 'published by -P, shown by inspect', '--expose'),
  applied('Tty', 'conmon terminal', '--tty'),
  applied('OpenStdin', 'conmon stdin', '--interactive'),
  applied('StdinOnce', 'conmon --stdin-once', '--interactive'),
  applied('Env', 'process environment', '--env'),
  applied('Cmd', 'process arguments'),
  applied('Healthcheck', 'probes run in the container as exec, State.Health, ps status and health filter, merged over the image\'s HEALTHCHECK', '--health-*'),
  ignored('ArgsEscaped', 'Windows only; Docker ignores it on Linux'),
  applied('Image', 'root filesystem and image defaults'),
  applied('Volumes', 'an anonymous volume at each path unless something is mounted there (engine/volumes/container-volumes.ts)', '--volume'),
  applied('WorkingDir', 'process cwd', '--workdir'),
  applied('Entrypoint', 'process arguments', '--entrypoint'),
  refused('NetworkDisabled'),
  applied('MacAddress', 'primary endpoint MAC address', '--mac-address'),
  ignored('OnBuild', 'image build metadata; Docker stores it and runs nothing'),
  applied('Labels', 'stored, filters, inspect', '--label'),
  applied('StopSignal', 'first signal of stop/restart (KILL after the timeout)', '--stop-signal'),
  applied('StopTimeout', 'seconds stop/restart wait before KILL', '--stop-timeout'),
  ignored('Shell', 'build-only (SHELL); Docker stores it and runs nothing'),
];

/** HostConfig.Resources' fields, which `docker update` also takes (without the prefix). */
const RESOURCES: FieldRule[] = [
  applied('CpuShares', 'cpu.shares (OCI linux.resources.cpu; runc update)', '--cpu-shares'),
  applied('Memory', 'memory.limit_in_bytes (OCI linux.resources.memory; runc update)', '--memory'),
  refused('CgroupParent', '--cgroup-parent'),
  applied('BlkioWeight', 'blkio.weight (OCI linux.resources.blockIO; runc update) where the kernel has a blkio weight; elsewhere dropped with Docker\'s create warning (api/decode/resources.ts)', '--blkio-weight'),
  refused('BlkioWeightDevice', '--blkio-weight-device'),
  refused('BlkioDeviceReadBps', '--device-read-bps'),
  refused('BlkioDeviceWriteBps', '--device-write-bps'),
  refused('BlkioDeviceReadIOps', '--device-read-iops'),
  refused('BlkioDeviceWriteIOps', '--device-write-iops'),
  applied('CpuPeriod', 'cpu.cfs_period_us (OCI linux.resources.cpu; runc update); not with --cpus, as Docker', '--cpu-period'),
  applied('CpuQuota', 'cpu.cfs_quota_us, -1 unlimited (OCI linux.resources.cpu; runc update); not with --cpus, as Docker', '--cpu-quota'),
  refused('CpuRealtimePeriod', '--cpu-rt-period'),
  refused('CpuRealtimeRuntime', '--cpu-rt-runtime'),
  applied('CpusetCpus', 'cpuset.cpus, checked against the host\'s CPUs (OCI linux.resources.cpu.cpus; runc update)', '--cpuset-cpus'),
  applied('CpusetMems', 'cpuset.mems, checked against the host\'s memory nodes (OCI linux.resources.cpu.mems; runc update)', '--cpuset-mems'),
  refused('Devices', '--device'),
  refused('DeviceCgroupRules', '--device-cgroup-rule'),
  refused('DeviceRequests', '--gpus'),
  refused('KernelMemory', '--kernel-memory'),
  refused('KernelMemoryTCP'),
  applied('MemoryReservation', 'memory.soft_limit_in_bytes (v2: memory.low; OCI linux.resources.memory.reservation; runc update)', '--memory-reservation'),
  applied('MemorySwap', 'memory.memsw.limit_in_bytes; 2 × Memory when unset, as Docker', '--memory-swap'),
  refused('MemorySwappiness', '--memory-swappiness', oneOf(-1), '-1'),
  applied('NanoCpus', 'cpu.cfs_quota_us over a 100 ms period (runc update)', '--cpus'),
  refused('OomKillDisable', '--oom-kill-disable'),
  refused('Init', '--init'),
  applied('PidsLimit', 'pids.max; 0 and -1 are unlimited (runc update)', '--pids-limit'),
  refused('Ulimits', '--ulimit'),
  refused('CpuCount', '--cpu-count'),
  refused('CpuPercent', '--cpu-percent'),
  refused('IOMaximumIOps', '--io-maxiops'),
  refused('IOMaximumBandwidth', '--io-maxbandwidth'),
];

const blkioDevice = (path: string, file: string, flag: string): FieldRule =>
  applied(path, `${file} per host block device (OCI linux.resources.blockIO, the device's numbers looked up at start); where the kernel has no such file, dropped with Docker's create warning (api/decode/blkio-devices.ts)`, flag);

/** Applied on create; `docker update` has no such options (Docker's update ignores the fields; conet refuses them there). */
const BLKIO_DEVICE_ROWS: FieldRule[] = [
  blkioDevice('BlkioWeightDevice', 'blkio.weight_device', '--blkio-weight-device'),
  blkioDevice('BlkioDeviceReadBps', 'blkio.throttle.read_bps_device', '--device-read-bps'),
  blkioDevice('BlkioDeviceWriteBps', 'blkio.throttle.write_bps_device', '--device-write-bps'),
  blkioDevice('BlkioDeviceReadIOps', 'blkio.throttle.read_iops_device', '--device-read-iops'),
  blkioDevice('BlkioDeviceWriteIOps', 'blkio.throttle.write_iops_device', '--device-write-iops'),
];

/** Null only: `--security-opt systempaths=unconfined` makes the CLI send empty lists. */
const nullOnly = (path: string): FieldRule => ({ ...refused(path, '--security-opt systempaths=unconfined'), nullOnly: true, acceptsText: 'null only ([] unmasks every path)' });

/** Resources fields applied on create but not by `docker update` (Docker's update ignores them; conet refuses them there). */
const CREATE_ONLY: FieldRule[] = [
  applied('Init', 'tini-static (Docker\'s docker-init) as PID 1 at /sbin/docker-init', '--init'),
  ...BLKIO_DEVICE_ROWS,
  applied('Ulimits', 'OCI rlimits', '--ulimit'),
];

const withRules = (rules: FieldRule[], replacements: FieldRule[]): FieldRule[] =>
  rules.map((rule) => replacements.find((replacement) => replacement.path === rule.path) ?? rule);

const HOST: FieldRule[] = [
  ...withRules(RESOURCES, CREATE_ONLY),
  applied('Binds', 'bind mounts (rbind, ro, propagation; a missing source directory is made), destinations resolved inside the root (api/decode/binds.ts); named volumes of the local driver, made when missing, the image content copied into an empty one (engine/volumes/)', '--volume'),
  ignored('ContainerIDFile', 'the CLI writes the file itself; the daemon ignores it', '--cidfile'),
  applied('LogConfig', 'json-file (or k8s-file) rotated at max-size keeping max-file (log-config.ts); other drivers and options are 400s', '--log-driver/--log-opt'),
  applied('NetworkMode', 'network attachment, host/none/container: modes', '--network'),
  applied('PortBindings', 'nftables DNAT and port proxy', '--publish'),
  applied('RestartPolicy', 'restarted on exit with Docker\'s backoff, and at daemon start (restart-policy.ts)', '--restart'),
  applied('AutoRemove', 'removed when it exits', '--rm'),
  applied('VolumeDriver', '"local" (the only volume driver); any other is a 400 (api/decode/container-volumes.ts)', '--volume-driver'),
  applied('VolumesFrom', "the other container's binds and volumes, :ro/:rw over their mode (engine/volumes/container-volumes.ts)", '--volumes-from'),
  applied('Mounts', 'type bind (readonly, recursively unless bind-recursive=writable; bind-propagation, bind-nonrecursive, bind-create-mountpoint; a missing source is a 400), tmpfs (tmpfs-size, tmpfs-mode) and volume (volume-nocopy, volume-opt, volume-label, readonly; the local driver only); type image is a 400 (api/decode/mount-objects.ts, docs/mounts.md, docs/volumes.md)', '--mount'),
  applied('CapAdd', 'OCI capabilities', '--cap-add'),
  applied('CapDrop', 'OCI capabilities', '--cap-drop'),
  refused('CgroupnsMode', '--cgroupns', oneOf('host'), '"host" (conet makes no cgroup namespace, Docker\'s default on cgroup v1)'),
  applied('Dns', '/etc/resolv.conf, embedded DNS upstreams', '--dns'),
  applied('DnsOptions', '/etc/resolv.conf', '--dns-option'),
  applied('DnsSearch', '/etc/resolv.conf', '--dns-search'),
  applied('ExtraHosts', '/etc/hosts', '--add-host'),
  applied('GroupAdd', 'supplementary groups (names from the container\'s /etc/group)', '--group-add'),
  refused('IpcMode', '--ipc', oneOf('private'), '"private" (a fresh IPC namespace, what conet makes)'),
  refused('Cgroup', '--cgroup'),
  applied('Links', 'default bridge: /etc/hosts entry and Docker\'s ALIAS_PORT_…/ALIAS_NAME/ALIAS_ENV_… variables; user-defined networks: a DNS alias for this container only', '--link'),
  applied('OomScoreAdj', 'OCI process.oomScoreAdj: /proc/PID/oom_score_adj of the container\'s processes (-1000..1000)', '--oom-score-adj'),
  refused('PidMode', '--pid'),
  applied('Privileged', 'every capability (--cap-drop ignored, as Docker), no seccomp or AppArmor, no masked or read-only paths, /sys read-write, the host\'s devices with an allow-all device rule; still its own namespaces (runtime/containers/confinement.ts, oci-spec.ts)', '--privileged'),
  applied('PublishAllPorts', 'publishes ExposedPorts and the image\'s', '--publish-all'),
  applied('ReadonlyRootfs', 'read-only root mount (/etc/hosts, /dev, /dev/shm stay writable)', '--read-only'),
  applied('SecurityOpt', 'seccomp, AppArmor, no-new-privileges, label=disable (others refused)', '--security-opt'),
  refused('StorageOpt', '--storage-opt'),
  applied('Tmpfs', 'tmpfs mounts with Docker\'s defaults (noexec, nosuid, nodev) under the given options, each option checked (util/tmpfs-options.ts)', '--tmpfs'),
  refused('UTSMode', '--uts'),
  refused('UsernsMode', '--userns', oneOf('host'), '"host" (conet makes no user namespace)'),
  applied('ShmSize', 'size of the /dev/shm tmpfs (0: 64 MiB)', '--shm-size'),
  applied('Sysctls', 'OCI sysctl: net.* with a network namespace of its own, fs.mqueue.*, kernel.msg*/sem/shm* (others 400)', '--sysctl'),
  refused('Runtime', '--runtime', oneOf('runc'), '"runc"'),
  ignored('ConsoleSize', 'Docker 20.10 applies it on Windows only (Linux from API 1.42); the CLI resizes after start'),
  refused('Isolation', '--isolation', oneOf('default'), '"default"'),
  nullOnly('MaskedPaths'),
  nullOnly('ReadonlyPaths'),
  refused('Annotations', '--annotation'),
];

const ENDPOINT: FieldRule[] = [
  applied('IPAMConfig.IPv4Address', 'static IPv4 address', '--ip'),
  applied('IPAMConfig.IPv6Address', 'static IPv6 address', '--ip6'),
  refused('IPAMConfig.LinkLocalIPs', '--link-local-ip'),
  applied('Links', 'as HostConfig.Links (the CLI repeats --link here)', '--link'),
  applied('Aliases', 'embedded DNS names', '--network-alias'),
  ...['NetworkID', 'EndpointID', 'Gateway', 'IPAddress', 'IPPrefixLen', 'IPv6Gateway', 'GlobalIPv6Address', 'GlobalIPv6PrefixLen', 'DNSNames'].map((name) =>
    ignored(name, 'output only: Docker fills it in and ignores it on create')),
  applied('MacAddress', 'endpoint MAC address', '--mac-address'),
  applied('DriverOpts', `endpoint driver options: com.docker.network.endpoint.ifname names the container's interface (other options are a 400)`, '--network driver-opt=…'),
  applied('GwPriority', 'the default route goes via the network of highest priority (API 1.48)', '--gw-priority'),
];

const prefixed = (prefix: string, rules: FieldRule[]): FieldRule[] => rules.map((rule) => ({ ...rule, path: `${prefix}${rule.path}` }));

export const CREATE_FIELDS: readonly FieldRule[] = [
  ...CONFIG,
  ...prefixed('HostConfig.', HOST),
  ...prefixed('NetworkingConfig.EndpointsConfig.*.', ENDPOINT),
];

export const UPDATE_FIELDS: readonly FieldRule[] = [
  ...RESOURCES,
  applied('RestartPolicy', 'restarted on exit with Docker\'s backoff, and at daemon start (restart-policy.ts)', '--restart'),
];

/**
 * Fields added to the create body after API 1.41 (Docker's 1.41 swagger.yaml lacks them), with
 * the version that added them; docs/api-versions.md lists them with the rest of each version.
 */
export const FIELDS_AFTER_1_41: Readonly<Record<string, string>> = {
  'HostConfig.Annotations': '1.43',
  'NetworkingConfig.EndpointsConfig.*.DNSNames': '1.44',
  'NetworkingConfig.EndpointsConfig.*.GwPriority': '1.48',
};
