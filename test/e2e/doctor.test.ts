/**
 * `conet doctor` (issue 17, item 3) on this machine, run inside a namespace the test makes (so
 * the sysctls it reads are that namespace's): it lists the link types this kernel lacks (no
 * dummy, ipvlan, vlan, geneve, ipip, gre, vrf or wireguard: the machine has no /lib/modules) and
 * AppArmor as missing, reports cgroups as v1 hybrid and supported, passes the present features,
 * and leaves none of its throwaway namespaces behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { run } from '../../src/exec/index.js';
import { CONET_BIN, NETNS_PREFIX } from '../helpers/host.js';

interface Check { name: string; status: string; detail: string; advice?: string }

const doctorNamespaces = async (): Promise<string[]> => (await readdir('/run/netns').catch(() => [])).filter((name) => name.startsWith('conet-doctor-'));

test('conet doctor on this machine: the missing link types and AppArmor, cgroups v1 hybrid, the present ones pass', async () => {
  const netns = `${NETNS_PREFIX}doctor-${randomBytes(3).toString('hex')}`;
  const before = await doctorNamespaces();
  await run(['ip', 'netns', 'add', netns]);
  try {
    const json = await run(['nsenter', `--net=/run/netns/${netns}`, '--', process.execPath, CONET_BIN, 'doctor', '--json'], { allowFailure: true, timeoutMs: 30_000 });
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as { ok: boolean; checks: Check[] };
    const byName = new Map(report.checks.map((c) => [c.name, c]));
    const missing = report.checks.filter((c) => c.status === 'missing').map((c) => c.name).sort();
    assert.deepEqual(missing, ['apparmor', ...['dummy', 'geneve', 'gre', 'ipip', 'ipvlan', 'vlan', 'vrf', 'wireguard'].map((k) => `link ${k}`)].sort());
    for (const c of report.checks.filter((c) => c.status === 'missing')) assert.ok((c.advice ?? '') !== '', `${c.name} says what to do`);
    for (const name of ['netns', 'link veth', 'link bridge', 'link vxlan', 'link macvlan', 'nftables', 'conntrack', 'cgroups', 'overlayfs', 'seccomp']) {
      assert.equal(byName.get(name)?.status, 'ok', `${name}: ${byName.get(name)?.detail}`);
    }
    assert.match(byName.get('cgroups')?.detail ?? '', /^v1 hybrid .*supported/);
    assert.equal(byName.get('ip_forward')?.status, 'warn', 'a fresh namespace forwards nothing');
    assert.equal(report.ok, true);
    assert.deepEqual(report.checks.filter((c) => c.status === 'fail'), []);

    const table = await run(['nsenter', `--net=/run/netns/${netns}`, '--', process.execPath, CONET_BIN, 'doctor'], { allowFailure: true, timeoutMs: 30_000 });
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^CHECK +STATUS +DETAIL\n/);
    assert.match(table.stdout, /\nlink dummy +missing +the kernel refused one/);
    assert.match(table.stdout, /\nWhat to do:\n/);
    assert.match(table.stdout, /conet can run on this host\.\n$/);
  } finally {
    await run(['ip', 'netns', 'del', netns], { allowFailure: true });
  }
  assert.deepEqual(await doctorNamespaces(), before, 'doctor removed its throwaway namespaces');
});
