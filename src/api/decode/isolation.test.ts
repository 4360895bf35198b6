import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeIsolation } from './isolation.js';

test('the namespaced sysctls Docker allows pass; others, net.* without a netns of its own, bad names and values are 400s naming the key', () => {
  const allowed = { 'net.ipv4.ip_forward': '1', 'net.ipv4.conf.all.rp_filter': '0', 'kernel.shmmax': '1048576', 'kernel.sem': '250 32000 32 128', 'fs.mqueue.msg_max': '20' };
  assert.deepEqual(decodeIsolation({ Sysctls: allowed }, 'default').sysctls, allowed);
  assert.deepEqual(decodeIsolation({ Sysctls: { 'net.core.somaxconn': '1024' } }, 'none').sysctls, { 'net.core.somaxconn': '1024' });
  const cases: Array<[Record<string, string>, string, RegExp]> = [
    [{ 'kernel.hostname': 'x' }, 'default', /"kernel\.hostname": not a namespaced sysctl/],
    [{ 'vm.swappiness': '1' }, 'default', /"vm\.swappiness"/],
    [{ 'net.ipv4.ip_forward': '1' }, 'host', /"net\.ipv4\.ip_forward": not allowed in the network namespace of network mode "host"/],
    [{ 'net.ipv4.ip_forward': '1' }, 'container:web', /network mode "container:web"/],
    [{ 'net/../../x': '1' }, 'default', /not a sysctl name/],
    [{ 'net..x': '1' }, 'default', /not a sysctl name/],
    [{ 'net.ipv4.ip_forward': '1\n0' }, 'default', /one line/],
  ];
  for (const [sysctls, mode, message] of cases) {
    assert.throws(() => decodeIsolation({ Sysctls: sysctls }, mode), { kind: 'invalid', message: new RegExp(`HostConfig\\.Sysctls \\(--sysctl\\).*${message.source}`) });
  }
});

test('ulimits: go-units names, soft at most hard, whole numbers; shm size 0 or more; group names or numbers', () => {
  assert.deepEqual(decodeIsolation({ Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }, { Name: 'nproc', Soft: 5, Hard: 5 }] }, 'default').ulimits, [
    { name: 'nofile', soft: 1024, hard: 2048 }, { name: 'nproc', soft: 5, hard: 5 },
  ]);
  assert.throws(() => decodeIsolation({ Ulimits: [{ Name: 'nofile', Soft: 3, Hard: 2 }] }, 'default'), /soft limit 3 is above hard limit 2/);
  assert.throws(() => decodeIsolation({ Ulimits: [{ Name: 'as', Soft: 1, Hard: 1 }] }, 'default'), /unknown ulimit "as"/);
  assert.throws(() => decodeIsolation({ Ulimits: [{ Name: 'nofile', Soft: -1, Hard: 1 }] }, 'default'), /Soft must be a whole number/);
  assert.throws(() => decodeIsolation({ Ulimits: [{ Name: 'nofile', Soft: 1.5, Hard: 2 }] }, 'default'), /Soft must be a whole number/);
  assert.equal(decodeIsolation({ ShmSize: 134217728 }, 'default').shmSize, 134217728);
  assert.throws(() => decodeIsolation({ ShmSize: -1 }, 'default'), /SHM size can not be less than 0/);
  assert.deepEqual(decodeIsolation({ GroupAdd: ['staff', '7'] }, 'default').groupAdd, ['staff', '7']);
  assert.throws(() => decodeIsolation({ GroupAdd: ['a:b'] }, 'default'), /HostConfig\.GroupAdd \(--group-add\) "a:b"/);
  assert.equal(decodeIsolation({ OomScoreAdj: 500 }, 'default').oomScoreAdj, 500);
  assert.equal(decodeIsolation({ OomScoreAdj: -1000 }, 'default').oomScoreAdj, -1000);
  assert.equal(decodeIsolation({ OomScoreAdj: 0 }, 'default').oomScoreAdj, undefined);
  assert.throws(() => decodeIsolation({ OomScoreAdj: 1001 }, 'default'), { kind: 'invalid', message: 'Invalid value 1001, range for oom score adj is [-1000, 1000]' });
  assert.throws(() => decodeIsolation({ OomScoreAdj: -1001 }, 'default'), /range for oom score adj is \[-1000, 1000\]/);
  assert.throws(() => decodeIsolation({ OomScoreAdj: '5' }, 'default'), /HostConfig\.OomScoreAdj must be a whole number/);
  assert.deepEqual(decodeIsolation({}, 'default'), { groupAdd: [], readonlyRootfs: false, sysctls: {}, ulimits: [], shmSize: 0, init: false });
  assert.deepEqual(decodeIsolation({ ReadonlyRootfs: true, Init: true }, 'default'), { groupAdd: [], readonlyRootfs: true, sysctls: {}, ulimits: [], shmSize: 0, init: true });
});
