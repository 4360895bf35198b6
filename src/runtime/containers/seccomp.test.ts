import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeSeccompProfile } from '../../api/decode/seccomp-profile.js';
import { DEFAULT_CAPABILITIES } from '../../model/capabilities.js';
import type { OciSeccomp } from '../../model/security.js';
import { ociSeccomp } from './seccomp.js';

/** Docker 20.10's own profile, as Debian's golang-github-docker-docker-dev installs it. */
const DOCKER = decodeSeccompProfile(readFileSync('/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json', 'utf8'));
const AMD64 = { arch: 'amd64', kernel: { kernel: 6, major: 1 } };

const allowed = (spec: OciSeccomp, name: string): boolean => spec.syscalls.some((rule) => rule.action === 'SCMP_ACT_ALLOW' && rule.names.includes(name) && !rule.args);
const rulesFor = (spec: OciSeccomp, name: string) => spec.syscalls.filter((rule) => rule.names.includes(name));

test('Docker profile, default capabilities on amd64: deny by default, x86 sub-architectures, no namespace syscalls', () => {
  const spec = ociSeccomp(DOCKER, DEFAULT_CAPABILITIES, AMD64);
  assert.equal(spec.defaultAction, 'SCMP_ACT_ERRNO');
  assert.deepEqual(spec.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  for (const name of ['read', 'mkdir', 'socket', 'chroot', 'arch_prctl', 'modify_ldt', 'ptrace']) assert.ok(allowed(spec, name), name);
  for (const name of ['unshare', 'mount', 'setns', 'bpf', 'reboot', 'init_module', 'open_by_handle_at', 'clock_settime', 'sync_file_range2', 's390_runtime_instr']) {
    assert.ok(!allowed(spec, name), `${name} is not allowed without its capability or arch`);
  }
  // clone only without namespace flags; clone3 answers ENOSYS so libc falls back to clone.
  assert.deepEqual(rulesFor(spec, 'clone').map((rule) => rule.args), [[{ index: 0, value: 2114060288, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }]]);
  assert.deepEqual(rulesFor(spec, 'clone3'), [{ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 }]);
});

test('capability conditions are resolved against this container: CAP_SYS_ADMIN brings unshare, mount, setns, clone back', () => {
  const spec = ociSeccomp(DOCKER, [...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN'], AMD64);
  for (const name of ['unshare', 'mount', 'umount2', 'setns', 'clone', 'clone3']) assert.ok(allowed(spec, name), name);
  // The excludes of the masked clone rule and of clone3's ENOSYS: gone with CAP_SYS_ADMIN.
  assert.ok(rulesFor(spec, 'clone').every((rule) => !rule.args));
  assert.ok(rulesFor(spec, 'clone3').every((rule) => rule.action === 'SCMP_ACT_ALLOW'));
  const dropped = ociSeccomp(DOCKER, DEFAULT_CAPABILITIES.filter((cap) => cap !== 'CAP_SYS_CHROOT'), AMD64);
  assert.ok(!allowed(dropped, 'chroot'), '--cap-drop SYS_CHROOT takes chroot away too');
  assert.ok(allowed(ociSeccomp(DOCKER, [...DEFAULT_CAPABILITIES, 'CAP_SYS_PTRACE'], AMD64), 'process_vm_readv'));
});

test('arch and kernel conditions: the host decides', () => {
  const arm64 = ociSeccomp(DOCKER, DEFAULT_CAPABILITIES, { arch: 'arm64', kernel: { kernel: 6, major: 1 } });
  assert.deepEqual(arm64.architectures, ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
  assert.ok(allowed(arm64, 'arm_fadvise64_64') && !allowed(arm64, 'arch_prctl'));
  const s390x = ociSeccomp(DOCKER, DEFAULT_CAPABILITIES, { arch: 's390x', kernel: { kernel: 6, major: 1 } });
  // On s390 the clone flags are the second argument: the index-1 rule replaces the index-0 one.
  assert.deepEqual(rulesFor(s390x, 'clone').map((rule) => rule.args?.[0]?.index), [1]);
  const old = ociSeccomp(DOCKER, DEFAULT_CAPABILITIES, { arch: 'amd64', kernel: { kernel: 4, major: 4 } });
  assert.ok(!allowed(old, 'ptrace'), 'ptrace only from kernel 4.8 on (minKernel)');
  const unknown = ociSeccomp(DOCKER, DEFAULT_CAPABILITIES, { arch: '', kernel: { kernel: 6, major: 1 } });
  assert.equal(unknown.architectures, undefined, 'no archMap entry: libseccomp takes the native one');
});

test('a minimal custom profile: flat architectures, errnoRet and defaultErrnoRet carried', () => {
  const custom = decodeSeccompProfile(JSON.stringify({
    defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, architectures: ['SCMP_ARCH_X86_64'],
    syscalls: [{ name: 'mkdir', action: 'SCMP_ACT_ERRNO', errnoRet: 13 }, { names: ['read'], action: 'SCMP_ACT_ALLOW', excludes: { caps: ['CAP_KILL'] } }],
  }));
  assert.deepEqual(ociSeccomp(custom, DEFAULT_CAPABILITIES, AMD64), {
    defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, architectures: ['SCMP_ARCH_X86_64'],
    syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }],
  });
});
