import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_CAPABILITIES, DEFAULT_CAPABILITIES } from '../../model/capabilities.js';
import { DEFAULT_SECURITY, type SeccompProfile } from '../../model/security.js';
import { appArmorProfileFor, confinementOf, DEFAULT_APPARMOR_PROFILE, effectiveCapabilities } from './confinement.js';

const host = { arch: 'amd64', kernel: { kernel: 6, major: 1 } };
const profile: SeccompProfile = { defaultAction: 'SCMP_ACT_ERRNO', architectures: [], archMap: [], syscalls: [{ names: ['unshare'], action: 'SCMP_ACT_ALLOW', args: [], includes: { caps: ['CAP_SYS_ADMIN'], arches: [] }, excludes: { caps: [], arches: [] } }] };
const none = { add: [], drop: [] };

test("capabilities as moby's TweakCapabilities: drop then add, ALL on either side", () => {
  assert.deepEqual(effectiveCapabilities(none), [...DEFAULT_CAPABILITIES]);
  const tweaked = effectiveCapabilities({ add: ['CAP_SYS_ADMIN', 'CAP_CHOWN'], drop: ['CAP_NET_RAW'] });
  assert.ok(tweaked.includes('CAP_SYS_ADMIN') && !tweaked.includes('CAP_NET_RAW'));
  assert.equal(tweaked.filter((cap) => cap === 'CAP_CHOWN').length, 1);
  assert.deepEqual(effectiveCapabilities({ add: ['ALL'], drop: ['CAP_SYS_ADMIN'] }), ALL_CAPABILITIES.filter((cap) => cap !== 'CAP_SYS_ADMIN'));
  assert.deepEqual(effectiveCapabilities({ add: ['CAP_KILL'], drop: ['ALL'] }), ['CAP_KILL']);
});

test('seccomp: the daemon default, resolved per container; unconfined; the profile asked for; none when the daemon is unconfined', () => {
  const daemon = { seccompDefault: profile, appArmor: false, host };
  assert.deepEqual(confinementOf(DEFAULT_SECURITY, none, daemon).seccomp?.syscalls, []);
  assert.deepEqual(confinementOf(DEFAULT_SECURITY, { add: ['CAP_SYS_ADMIN'], drop: [] }, daemon).seccomp?.syscalls.map((rule) => rule.names), [['unshare']]);
  assert.equal(confinementOf({ ...DEFAULT_SECURITY, seccomp: { mode: 'unconfined' } }, none, daemon).seccomp, undefined);
  const asked = { ...profile, defaultAction: 'SCMP_ACT_LOG' as const };
  assert.equal(confinementOf({ ...DEFAULT_SECURITY, seccomp: { mode: 'profile', profile: asked } }, none, daemon).seccomp?.defaultAction, 'SCMP_ACT_LOG');
  assert.equal(confinementOf(DEFAULT_SECURITY, none, { appArmor: false, host }).seccomp, undefined);
  assert.equal(confinementOf({ ...DEFAULT_SECURITY, noNewPrivileges: true }, none, daemon).noNewPrivileges, true);
});

test('AppArmor: the default profile where enabled (or the one asked for), nothing where it is not', () => {
  assert.equal(appArmorProfileFor(DEFAULT_SECURITY, true), DEFAULT_APPARMOR_PROFILE);
  assert.equal(appArmorProfileFor({ ...DEFAULT_SECURITY, appArmorProfile: 'unconfined' }, true), 'unconfined');
  assert.equal(appArmorProfileFor(DEFAULT_SECURITY, false), undefined);
  assert.equal(confinementOf(DEFAULT_SECURITY, none, { appArmor: true, host }).appArmorProfile, 'conet-default');
  assert.equal(confinementOf(DEFAULT_SECURITY, none, { appArmor: false, host }).appArmorProfile, undefined);
});

test("--privileged as Docker's: every capability whatever --cap-drop says, no seccomp, AppArmor unconfined where enabled", () => {
  const daemon = { seccompDefault: profile, appArmor: false, host };
  const privileged = confinementOf({ ...DEFAULT_SECURITY, privileged: true }, { add: [], drop: ['ALL'] }, daemon);
  assert.deepEqual(privileged, { capabilities: [...ALL_CAPABILITIES], privileged: true, noNewPrivileges: false });
  assert.equal(confinementOf({ ...DEFAULT_SECURITY, privileged: true, seccomp: { mode: 'profile', profile } }, none, daemon).seccomp, undefined, 'an asked-for profile too');
  assert.equal(confinementOf({ ...DEFAULT_SECURITY, privileged: true }, none, { ...daemon, appArmor: true }).appArmorProfile, 'unconfined');
  assert.equal(confinementOf({ ...DEFAULT_SECURITY, privileged: true, noNewPrivileges: true }, none, daemon).noNewPrivileges, true);
  assert.equal(confinementOf(DEFAULT_SECURITY, none, daemon).privileged, undefined);
  const bounded = confinementOf({ ...DEFAULT_SECURITY, privileged: true }, none, { ...daemon, bounding: ALL_CAPABILITIES.filter((cap) => cap !== 'CAP_SYS_RESOURCE') });
  assert.deepEqual(bounded.capabilities, ALL_CAPABILITIES.filter((cap) => cap !== 'CAP_SYS_RESOURCE'), "no more than the daemon's bounding set");
});
