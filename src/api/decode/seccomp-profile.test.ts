import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeSeccompProfile } from './seccomp-profile.js';

test("Debian's copy of Docker's default profile decodes", () => {
  const profile = decodeSeccompProfile(readFileSync('/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json', 'utf8'));
  assert.equal(profile.defaultAction, 'SCMP_ACT_ERRNO');
  assert.ok(profile.archMap.length >= 7 && profile.architectures.length === 0);
  assert.ok(profile.syscalls.length > 20);
  const sysAdmin = profile.syscalls.find((rule) => rule.names.includes('unshare'));
  assert.deepEqual(sysAdmin?.includes.caps, ['CAP_SYS_ADMIN']);
  assert.deepEqual(profile.syscalls.find((rule) => rule.names.includes('ptrace'))?.includes.minKernel, { kernel: 4, major: 8 });
});

test('a bad profile is refused with what is wrong, as a 400-kind error', () => {
  const cases: Array<[string, RegExp]> = [
    ['{not json', /Decoding seccomp profile failed/],
    ['[]', /JSON object/],
    ['{"syscalls":[]}', /defaultAction: unknown action undefined/],
    ['{"defaultAction":"SCMP_ACT_NOTIFY","syscalls":[]}', /unknown action "SCMP_ACT_NOTIFY"/],
    ['{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],"archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":[]}]}', /use either 'architectures' or 'archMap'/],
    ['{"defaultAction":"SCMP_ACT_ALLOW","architectures":["x86_64"]}', /invalid architecture "x86_64"/],
    ['{"defaultAction":"SCMP_ACT_ALLOW","syscalls":{}}', /syscalls must be an array/],
    ['{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"name":"a","names":["b"],"action":"SCMP_ACT_ERRNO"}]}', /use either 'name' or 'names'/],
    ['{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":[],"action":"SCMP_ACT_ERRNO"}]}', /no syscall names/],
    ['{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mk dir\\n"],"action":"SCMP_ACT_ERRNO"}]}', /invalid syscall name/],
    ['{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["x"],"action":"SCMP_ACT_ERRNO","args":[{"index":6,"value":0,"op":"SCMP_CMP_EQ"}]}]}', /args\[0\]\.index/],
    ['{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["x"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":-1,"op":"SCMP_CMP_EQ"}]}]}', /args\[0\]\.value/],
    ['{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["x"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":1,"op":"LT"}]}]}', /unknown operator "LT"/],
    ['{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["x"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"4"}}]}', /invalid kernel version "4"/],
    ['{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["x"],"action":"SCMP_ACT_ALLOW","includes":{"caps":"CAP_SYS_ADMIN"}}]}', /caps must be an array of strings/],
    ['{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["x"],"action":"SCMP_ACT_ERRNO","errnoRet":99999}]}', /errnoRet/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => decodeSeccompProfile(text), (error: Error & { kind?: string }) => error.kind === 'invalid' && message.test(error.message), text);
  }
});

test('unknown keys are ignored as Go does; name becomes names', () => {
  const profile = decodeSeccompProfile('{"defaultAction":"SCMP_ACT_ALLOW","flags":["X"],"syscalls":[{"name":"mkdir","action":"SCMP_ACT_ERRNO","comment":"c"}]}');
  assert.deepEqual(profile.syscalls[0]?.names, ['mkdir']);
  assert.deepEqual(profile.syscalls[0]?.args, []);
});
