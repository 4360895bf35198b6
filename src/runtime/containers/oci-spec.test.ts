import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildOciSpec, DEFAULT_CAPABILITIES } from './oci-spec.js';
import { confinementOf } from './confinement.js';
import { DEFAULT_SECURITY } from '../../model/security.js';

const host = { arch: 'amd64', kernel: { kernel: 6, major: 1 } };
const confinement = confinementOf(DEFAULT_SECURITY, { add: [], drop: [] }, { appArmor: false, host });
const base = { rootfs: '/c/merged', args: ['sh', '-c', 'echo hi'], env: ['A=1'], cwd: '', hostname: 'abc123', terminal: false, confinement };

interface Spec {
  process: { args: string[]; env: string[]; cwd: string; terminal: boolean; capabilities: Record<string, string[]>; noNewPrivileges: boolean; apparmorProfile?: string };
  hostname?: string;
  mounts: Array<{ destination: string; type: string; source: string; options: string[] }>;
  linux: { namespaces: Array<{ type: string; path?: string }>; maskedPaths: string[]; readonlyPaths: string[]; seccomp?: { defaultAction: string } };
}
const build = (extra: object = {}): Spec => buildOciSpec({ ...base, ...extra }) as unknown as Spec;

test("Docker's default capabilities, never NET_ADMIN or SYS_ADMIN", () => {
  const spec = build();
  assert.equal(DEFAULT_CAPABILITIES.length, 14);
  for (const set of ['bounding', 'effective', 'permitted']) {
    assert.deepEqual(spec.process.capabilities[set], [...DEFAULT_CAPABILITIES]);
    assert.ok(!spec.process.capabilities[set]!.includes('CAP_NET_ADMIN'));
    assert.ok(!spec.process.capabilities[set]!.includes('CAP_SYS_ADMIN'));
  }
});

test('process: args, PATH added, cwd defaults to /, terminal flag', () => {
  const spec = build({ terminal: true });
  assert.deepEqual(spec.process.args, ['sh', '-c', 'echo hi']);
  assert.deepEqual(spec.process.env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'A=1']);
  assert.equal(build({ env: ['PATH=/bin'] }).process.env.length, 1);
  assert.equal(spec.process.cwd, '/');
  assert.equal(spec.process.terminal, true);
  assert.equal(spec.hostname, 'abc123');
  assert.throws(() => build({ args: [] }), /no command specified/);
});

test('network namespace: fresh, joined by path, or the host one', () => {
  const types = (spec: Spec): string[] => spec.linux.namespaces.map((ns) => ns.type);
  assert.deepEqual(types(build()), ['pid', 'ipc', 'uts', 'mount', 'network']);
  assert.deepEqual(build().linux.namespaces.at(-1), { type: 'network' });
  assert.deepEqual(build({ netnsPath: '/run/netns/x' }).linux.namespaces.at(-1), { type: 'network', path: '/run/netns/x' });
  assert.deepEqual(types(build({ hostNetwork: true, netnsPath: '/run/netns/x' })), ['pid', 'ipc', 'uts', 'mount']);
});

test('standard mounts, /sys read-only, /etc files bound, masked and read-only paths', () => {
  const spec = build({ etc: { hosts: '/c/hosts', hostname: '/c/hostname', resolvConf: '/c/resolv.conf' } });
  assert.deepEqual(spec.mounts.map((mount) => mount.destination), ['/proc', '/dev', '/dev/pts', '/sys', '/sys/fs/cgroup', '/dev/mqueue', '/dev/shm', '/etc/resolv.conf', '/etc/hostname', '/etc/hosts']);
  assert.ok(spec.mounts.find((mount) => mount.destination === '/sys')?.options.includes('ro'));
  assert.deepEqual(spec.mounts.find((mount) => mount.destination === '/etc/hosts'), { destination: '/etc/hosts', type: 'bind', source: '/c/hosts', options: ['rbind', 'rprivate'] });
  assert.ok(spec.linux.maskedPaths.includes('/proc/kcore'));
  assert.ok(spec.linux.readonlyPaths.includes('/proc/sys'));
  assert.equal(build().mounts.length, 7);
});

test('the confinement reaches config.json: capabilities, seccomp, AppArmor profile, no-new-privileges', () => {
  const profile = { defaultAction: 'SCMP_ACT_ERRNO' as const, architectures: [], archMap: [], syscalls: [] };
  const security = { seccomp: { mode: 'profile' as const, profile }, noNewPrivileges: true };
  const spec = build({ confinement: confinementOf(security, { add: ['CAP_SYS_ADMIN'], drop: ['CAP_CHOWN'] }, { appArmor: true, host }) });
  assert.ok(spec.process.capabilities['bounding']?.includes('CAP_SYS_ADMIN'));
  assert.ok(!spec.process.capabilities['effective']?.includes('CAP_CHOWN'));
  assert.equal(spec.linux.seccomp?.defaultAction, 'SCMP_ACT_ERRNO');
  assert.equal(spec.process.apparmorProfile, 'conet-default');
  assert.equal(spec.process.noNewPrivileges, true);
  const plain = build();
  assert.equal(plain.linux.seccomp, undefined, 'a daemon configured unconfined');
  assert.equal(plain.process.apparmorProfile, undefined);
  assert.equal(plain.process.noNewPrivileges, false);
});

test('isolation reaches config.json: user and groups, read-only root, sysctls, rlimits, /dev/shm size, tini as init, oom score adjustment', () => {
  const isolation = { readonlyRootfs: true, sysctls: { 'net.ipv4.ip_forward': '1' }, ulimits: [{ name: 'nofile', soft: 1024, hard: 2048 }], shmSize: 134217728, init: true, oomScoreAdj: 250 };
  const spec = buildOciSpec({ ...base, user: { uid: 1000, gid: 50, additionalGids: [7] }, isolation, initPath: '/usr/bin/tini-static' }) as unknown as Spec & {
    process: { user: unknown; rlimits: unknown; oomScoreAdj: number }; root: { readonly: boolean }; linux: { sysctl: unknown };
  };
  assert.deepEqual(spec.process.user, { uid: 1000, gid: 50, additionalGids: [7] });
  assert.deepEqual(spec.process.args, ['/sbin/docker-init', '--', 'sh', '-c', 'echo hi']);
  assert.deepEqual(spec.process.rlimits, [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 2048 }]);
  assert.equal(spec.process.oomScoreAdj, 250);
  assert.equal(spec.root.readonly, true);
  assert.deepEqual(spec.linux.sysctl, { 'net.ipv4.ip_forward': '1' });
  assert.deepEqual(spec.mounts.find((mount) => mount.destination === '/dev/shm')?.options.at(-1), 'size=134217728');
  assert.deepEqual(spec.mounts.find((mount) => mount.destination === '/sbin/docker-init'), { destination: '/sbin/docker-init', type: 'bind', source: '/usr/bin/tini-static', options: ['bind', 'ro'] });
  const plain = buildOciSpec(base) as unknown as Spec & { process: { user: unknown; rlimits?: unknown; oomScoreAdj: number }; root: { readonly: boolean }; linux: { sysctl?: unknown } };
  assert.deepEqual(plain.process.user, { uid: 0, gid: 0 });
  assert.equal(plain.root.readonly, false);
  assert.equal(plain.process.rlimits, undefined);
  assert.equal(plain.process.oomScoreAdj, 0);
  assert.equal(plain.linux.sysctl, undefined);
  assert.deepEqual(plain.mounts.find((mount) => mount.destination === '/dev/shm')?.options.at(-1), 'size=67108864');
  assert.equal(plain.mounts.some((mount) => mount.destination === '/sbin/docker-init'), false);
});

test('--privileged: all capabilities, no masked or read-only paths, /sys and the cgroups read-write, the host devices allowed; own namespaces kept', () => {
  const privileged = confinementOf({ ...DEFAULT_SECURITY, privileged: true }, { add: [], drop: [] }, { appArmor: false, host });
  const kmsg = { path: '/dev/kmsg', type: 'c' as const, major: 1, minor: 11, fileMode: 0o644, uid: 0, gid: 0 };
  const spec = buildOciSpec({ ...base, confinement: privileged, hostDevices: [kmsg] }) as unknown as Spec & { linux: { devices: unknown[]; resources: { devices: unknown[] } } };
  assert.equal(spec.process.capabilities['effective']?.length, 41);
  assert.deepEqual([spec.linux.maskedPaths, spec.linux.readonlyPaths], [[], []]);
  assert.equal(spec.linux.seccomp, undefined);
  for (const destination of ['/sys', '/sys/fs/cgroup']) assert.ok(!spec.mounts.find((mount) => mount.destination === destination)?.options.includes('ro'), destination);
  assert.deepEqual(spec.linux.devices, [kmsg]);
  assert.deepEqual(spec.linux.resources.devices, [{ allow: true, access: 'rwm' }]);
  assert.deepEqual(spec.linux.namespaces.map((ns) => ns.type), ['pid', 'ipc', 'uts', 'mount', 'network']);
  const plain = buildOciSpec({ ...base, hostDevices: [kmsg] }) as unknown as { linux: Record<string, unknown> };
  assert.equal(plain.linux['devices'], undefined, 'host devices only with --privileged');
});
