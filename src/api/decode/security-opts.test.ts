import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCapabilities } from './capabilities.js';
import { decodeContainerCreate } from './container-create.js';
import { decodeSecurityOpts } from './security-opts.js';

const noAppArmor = { appArmor: false };
const isInvalid = (message: RegExp) => (error: Error & { kind?: string }) => error.kind === 'invalid' && message.test(error.message);

test('security-opt: seccomp unconfined, builtin and a profile sent as JSON; no-new-privileges forms', () => {
  assert.deepEqual(decodeSecurityOpts(null, noAppArmor), { seccomp: { mode: 'default' }, noNewPrivileges: false });
  assert.deepEqual(decodeSecurityOpts(['seccomp=unconfined'], noAppArmor).seccomp, { mode: 'unconfined' });
  assert.deepEqual(decodeSecurityOpts(['seccomp:unconfined'], noAppArmor).seccomp, { mode: 'unconfined' }, 'the legacy ":" separator');
  assert.deepEqual(decodeSecurityOpts(['seccomp=builtin'], noAppArmor).seccomp, { mode: 'default' });
  const custom = decodeSecurityOpts(['seccomp={"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO"}]}'], noAppArmor).seccomp;
  assert.equal(custom.mode === 'profile' && custom.profile.syscalls[0]?.names[0], 'mkdir');
  assert.equal(decodeSecurityOpts(['no-new-privileges'], noAppArmor).noNewPrivileges, true);
  assert.equal(decodeSecurityOpts(['no-new-privileges=true'], noAppArmor).noNewPrivileges, true);
  assert.equal(decodeSecurityOpts(['no-new-privileges', 'no-new-privileges=false'], noAppArmor).noNewPrivileges, false);
  assert.deepEqual(decodeSecurityOpts(['label=disable'], noAppArmor), { seccomp: { mode: 'default' }, noNewPrivileges: false });
});

test('AppArmor options: refused without AppArmor, a valid name taken with it', () => {
  assert.throws(() => decodeSecurityOpts(['apparmor=foo'], noAppArmor), isInvalid(/"apparmor=foo": AppArmor is not enabled/));
  assert.equal(decodeSecurityOpts(['apparmor=foo'], { appArmor: true }).appArmorProfile, 'foo');
  assert.throws(() => decodeSecurityOpts(['apparmor=a b\nchangeprofile x'], { appArmor: true }), isInvalid(/not an AppArmor profile name/));
});

test('unknown and malformed options are refused naming them', () => {
  assert.throws(() => decodeSecurityOpts(['bogus=1'], noAppArmor), isInvalid(/"bogus=1": unknown security option/));
  assert.throws(() => decodeSecurityOpts(['nonsense'], noAppArmor), isInvalid(/"nonsense": expected KEY=VALUE/));
  assert.throws(() => decodeSecurityOpts(['label=type:svirt_t'], noAppArmor), isInvalid(/SELinux/));
  assert.throws(() => decodeSecurityOpts(['no-new-privileges=maybe'], noAppArmor), isInvalid(/no-new-privileges=maybe/));
  assert.throws(() => decodeSecurityOpts(['seccomp={'], noAppArmor), isInvalid(/Decoding seccomp profile failed/));
  assert.throws(() => decodeSecurityOpts('seccomp=unconfined', noAppArmor), isInvalid(/SecurityOpt must be an array of strings/));
});

test('capabilities: normalized as moby, unknown ones refused with its message', () => {
  assert.deepEqual(decodeCapabilities(['sys_admin', 'CAP_NET_ADMIN', 'all', 'SYS_ADMIN'], null), { add: ['CAP_SYS_ADMIN', 'CAP_NET_ADMIN', 'ALL'], drop: [] });
  assert.throws(() => decodeCapabilities(['FOO'], null), isInvalid(/unknown capability: "CAP_FOO"/));
  assert.throws(() => decodeCapabilities(null, 'ALL'), isInvalid(/CapDrop must be an array/));
});

test('container create carries the decoded capabilities and security and keeps SecurityOpt raw for inspect', () => {
  const request = decodeContainerCreate({ Image: 'busybox', HostConfig: { CapAdd: ['SYS_ADMIN'], SecurityOpt: ['no-new-privileges'] } });
  assert.deepEqual(request.hostConfig.capabilities, { add: ['CAP_SYS_ADMIN'], drop: [] });
  assert.equal(request.hostConfig.security.noNewPrivileges, true);
  assert.deepEqual(request.hostConfig.raw['SecurityOpt'], ['no-new-privileges']);
  assert.throws(() => decodeContainerCreate({ Image: 'busybox', HostConfig: { SecurityOpt: ['apparmor=x'] } }), isInvalid(/apparmor=x/));
  assert.equal(decodeContainerCreate({ Image: 'busybox', HostConfig: { SecurityOpt: ['apparmor=x'] } }, { appArmor: true }).hostConfig.security.appArmorProfile, 'x');
});
