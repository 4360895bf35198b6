import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CREATE_FIELDS, UPDATE_FIELDS } from './create-fields.js';
import { checkFields, valuesAt } from './create-fields-check.js';
import { decodeContainerCreate } from './container-create.js';
import { decodeContainerUpdate } from './container-update.js';

/** What the docker CLI 28.2 sent for `docker run -d -P --net=bridge nginx:1.9.1` at API 1.41 (../shared/compat). */
const CLI_DEFAULTS = {
  Hostname: '', Domainname: '', User: '', AttachStdin: false, AttachStdout: false, AttachStderr: false, Tty: false, OpenStdin: false, StdinOnce: false,
  Env: null, Cmd: null, Image: 'nginx:1.9.1', Volumes: {}, WorkingDir: '', Entrypoint: null, OnBuild: null, Labels: {},
  HostConfig: {
    Binds: null, ContainerIDFile: '', LogConfig: { Type: '', Config: {} }, NetworkMode: 'bridge', PortBindings: {}, RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
    AutoRemove: false, VolumeDriver: '', VolumesFrom: null, ConsoleSize: [0, 0], CapAdd: null, CapDrop: null, CgroupnsMode: '', Dns: [], DnsOptions: [], DnsSearch: [],
    ExtraHosts: null, GroupAdd: null, IpcMode: '', Cgroup: '', Links: null, OomScoreAdj: 0, PidMode: '', Privileged: false, PublishAllPorts: true, ReadonlyRootfs: false,
    SecurityOpt: null, UTSMode: '', UsernsMode: '', ShmSize: 0, Isolation: '', CpuShares: 0, Memory: 0, NanoCpus: 0, CgroupParent: '', BlkioWeight: 0,
    BlkioWeightDevice: [], BlkioDeviceReadBps: [], BlkioDeviceWriteBps: [], BlkioDeviceReadIOps: [], BlkioDeviceWriteIOps: [], CpuPeriod: 0, CpuQuota: 0,
    CpuRealtimePeriod: 0, CpuRealtimeRuntime: 0, CpusetCpus: '', CpusetMems: '', Devices: [], DeviceCgroupRules: null, DeviceRequests: null, MemoryReservation: 0,
    MemorySwap: 0, MemorySwappiness: -1, OomKillDisable: false, PidsLimit: 0, Ulimits: [], CpuCount: 0, CpuPercent: 0, IOMaximumIOps: 0, IOMaximumBandwidth: 0,
    MaskedPaths: null, ReadonlyPaths: null,
  },
  NetworkingConfig: { EndpointsConfig: {} },
};

const withHost = (extra: Record<string, unknown>) => ({ ...CLI_DEFAULTS, HostConfig: { ...CLI_DEFAULTS.HostConfig, ...extra } });

test("the CLI's body for a plain docker run passes, with no warnings", () => {
  assert.deepEqual(checkFields(CLI_DEFAULTS, CREATE_FIELDS), []);
  assert.deepEqual(decodeContainerCreate(CLI_DEFAULTS).warnings, []);
});

test('refused options are 400s naming the field and the flag', () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [withHost({ CpuRealtimeRuntime: 950000 }), 'conet does not support HostConfig.CpuRealtimeRuntime (--cpu-rt-runtime) yet'],
    [withHost({ VolumeDriver: 'flocker' }), 'HostConfig.VolumeDriver: conet does not support the volume driver "flocker" (only "local") (--volume-driver)'],
    [withHost({ OomKillDisable: true }), 'conet does not support HostConfig.OomKillDisable (--oom-kill-disable) yet'],
    [withHost({ MaskedPaths: [], ReadonlyPaths: [] }), 'conet does not support HostConfig.MaskedPaths (--security-opt systempaths=unconfined) yet'],
    [withHost({ LogConfig: { Type: 'syslog', Config: {} } }), 'log driver "syslog" is not supported by conet: use json-file (rotated with max-size and max-file)'],
    [withHost({ LogConfig: { Type: 'json-file', Config: { compress: 'true' } } }), 'unknown log opt "compress" for json-file log driver: conet supports max-size and max-file'],
    [withHost({ Devices: [{ PathOnHost: '/dev/null', PathInContainer: '/dev/x', CgroupPermissions: 'rwm' }] }), 'conet does not support HostConfig.Devices (--device) yet'],
    [withHost({ RestartPolicy: { Name: 'sometimes', MaximumRetryCount: 0 } }), "invalid restart policy 'sometimes'"],
    [withHost({ RestartPolicy: { Name: 'always', MaximumRetryCount: 0 }, AutoRemove: true }), "can't create 'AutoRemove' container with restart policy"],
    [{ ...CLI_DEFAULTS, StopSignal: 'SIGNOPE' }, 'Invalid signal: SIGNOPE'],
    [{ ...CLI_DEFAULTS, StopTimeout: 1.5 }, 'StopTimeout must be an integer number of seconds'],
    [{ ...CLI_DEFAULTS, NetworkingConfig: { EndpointsConfig: { web: { IPAMConfig: { LinkLocalIPs: ['169.254.0.9'] } } } } }, 'conet does not support NetworkingConfig.EndpointsConfig."web".IPAMConfig.LinkLocalIPs (--link-local-ip) yet'],
  ];
  for (const [body, message] of cases) assert.throws(() => decodeContainerCreate(body), { kind: 'invalid', message }, message);
});

test("the values the CLI sends for an option's default pass", () => {
  for (const extra of [
    { RestartPolicy: { Name: '' } }, { RestartPolicy: null }, { LogConfig: { Type: 'json-file', Config: null } }, { LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '2' } } }, { IpcMode: 'private' }, { UsernsMode: 'host' },
    { CgroupnsMode: 'host' }, { ShmSize: 67108864 }, { Runtime: 'runc' }, { Isolation: 'default' }, { PidsLimit: -1 }, { PidsLimit: null }, { MemorySwappiness: null },
    { ConsoleSize: [40, 120] }, { ContainerIDFile: '/tmp/cid' },
  ]) assert.deepEqual(decodeContainerCreate(withHost(extra)).warnings, [], JSON.stringify(extra));
  assert.doesNotThrow(() => decodeContainerCreate({ ...CLI_DEFAULTS, Healthcheck: { Test: ['NONE'] } }));
  assert.doesNotThrow(() => decodeContainerCreate({ ...CLI_DEFAULTS, NetworkingConfig: { EndpointsConfig: { web: { IPAMConfig: { IPv4Address: '10.0.0.2' }, Aliases: ['a'], Links: null, GwPriority: 0 } } } }));
});

test('a network name in a refusal is quoted and cut short, dots and all', () => {
  const long = `a.b${'x'.repeat(100)}`;
  assert.throws(() => decodeContainerCreate({ ...CLI_DEFAULTS, NetworkingConfig: { EndpointsConfig: { [long]: { IPAMConfig: { LinkLocalIPs: ['169.254.1.1'] } } } } }), {
    message: `conet does not support NetworkingConfig.EndpointsConfig.${JSON.stringify(long.slice(0, 64))}.IPAMConfig.LinkLocalIPs (--link-local-ip) yet`,
  });
});

test('unknown fields are ignored, as Docker ignores them', () => {
  assert.doesNotThrow(() => decodeContainerCreate({ ...CLI_DEFAULTS, NoSuchField: 1, HostConfig: { ...CLI_DEFAULTS.HostConfig, AlsoUnknown: true } }));
});

test('valuesAt follows dotted paths and `*` over a map', () => {
  const body = { A: { x: { B: 1 }, y: { B: 2 }, z: {} } };
  assert.deepEqual(valuesAt(body, 'A.*.B'), [{ keys: ['A', 'x', 'B'], value: 1 }, { keys: ['A', 'y', 'B'], value: 2 }]);
  assert.deepEqual(valuesAt(body, 'Q.R'), []);
  assert.deepEqual(valuesAt({ A: 'text' }, 'A.B'), []);
});

test('update: an empty update asks for nothing; applied limits and the restart policy are decoded; the rest is refused, naming it', () => {
  const limits = { cpus: 2 };
  assert.deepEqual(decodeContainerUpdate({ RestartPolicy: { Name: '', MaximumRetryCount: 0 }, Memory: 0 }, limits), { update: {}, warnings: [] });
  assert.deepEqual(decodeContainerUpdate({ Memory: 1 << 26, PidsLimit: 0 }, limits).update, { memory: 1 << 26, pidsLimit: 0 });
  assert.deepEqual(decodeContainerUpdate({ CpuQuota: 50000, CpuPeriod: 0, CpusetCpus: '1', CpusetMems: '', MemoryReservation: 1 << 26 }, limits).update, { cpuQuota: 50000, cpusetCpus: '1', memoryReservation: 1 << 26 });
  assert.throws(() => decodeContainerUpdate({ BlkioWeightDevice: [{ Path: '/dev/vda', Weight: 100 }] }, limits), { kind: 'invalid', message: 'conet does not support BlkioWeightDevice (--blkio-weight-device) yet' });
  assert.deepEqual(decodeContainerUpdate({ RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 } }, limits).restartPolicy, { name: 'on-failure', maximumRetryCount: 2 });
  assert.throws(() => decodeContainerUpdate({ RestartPolicy: { Name: 'always', MaximumRetryCount: 1 } }, limits), { kind: 'invalid', message: "maximum retry count cannot be used with restart policy 'always'" });
  assert.throws(() => decodeContainerUpdate(null, limits), { kind: 'invalid' });
  const applied = UPDATE_FIELDS.filter((rule) => rule.class === 'applied').map((rule) => rule.path).sort();
  assert.deepEqual(applied, ['BlkioWeight', 'CpuPeriod', 'CpuQuota', 'CpuShares', 'CpusetCpus', 'CpusetMems', 'Memory', 'MemoryReservation', 'MemorySwap', 'NanoCpus', 'PidsLimit', 'RestartPolicy']);
});

test('stop signal and timeout are kept as given; a restart policy as decoded', () => {
  const decoded = decodeContainerCreate({ ...CLI_DEFAULTS, StopSignal: 'SIGUSR1', StopTimeout: 3, HostConfig: { ...CLI_DEFAULTS.HostConfig, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 } } });
  assert.equal(decoded.config.stopSignal, 'SIGUSR1');
  assert.equal(decoded.config.stopTimeout, 3);
  assert.deepEqual(decoded.hostConfig.restartPolicy, { name: 'on-failure', maximumRetryCount: 2 });
  assert.equal(decodeContainerCreate(CLI_DEFAULTS).config.stopTimeout, null);
});
