import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LINK_KINDS, type HostFacts, type HostNeighbours } from '../../model/doctor.js';
import { judgeHost } from './report.js';

const HEALTHY: HostFacts = {
  netns: { ok: true },
  links: LINK_KINDS.map((kind) => ({ kind, ok: true })),
  nftables: { ok: true },
  conntrack: true,
  brNetfilter: { loaded: false },
  cgroups: { mode: 'v2', v1Controllers: [] },
  overlayfs: true,
  seccomp: true,
  appArmor: true,
  ipForward: true,
  rpFilter: 2,
};
const QUIET: HostNeighbours = { running: [], ufwEnabled: false, iptablesLegacyRules: {}, foreignNftTables: [] };

const status = (report: ReturnType<typeof judgeHost>, name: string) => report.checks.find((c) => c.name === name)?.status;

test('a healthy host: every check ok, no advice', () => {
  const report = judgeHost(HEALTHY, QUIET);
  assert.equal(report.ok, true);
  assert.deepEqual(report.checks.filter((c) => c.status !== 'ok'), []);
  assert.equal(report.checks.filter((c) => c.name.startsWith('link ')).length, LINK_KINDS.length);
});

test('a missing optional link type is missing with advice; a missing veth or bridge or nftables fails the host', () => {
  const links = HEALTHY.links.map((probe) => (probe.kind === 'dummy' || probe.kind === 'gre' ? { ...probe, ok: false, error: 'Unknown device type.' } : probe));
  const optional = judgeHost({ ...HEALTHY, links }, QUIET);
  assert.equal(optional.ok, true);
  assert.equal(status(optional, 'link dummy'), 'missing');
  assert.match(optional.checks.find((c) => c.name === 'link gre')?.advice ?? '', /CONFIG_NET_IPGRE/);
  const noVeth = judgeHost({ ...HEALTHY, links: HEALTHY.links.map((p) => (p.kind === 'veth' ? { ...p, ok: false } : p)) }, QUIET);
  assert.equal(noVeth.ok, false);
  assert.equal(status(noVeth, 'link veth'), 'fail');
  assert.equal(judgeHost({ ...HEALTHY, nftables: { ok: false, error: 'x' } }, QUIET).ok, false);
  assert.equal(judgeHost({ ...HEALTHY, cgroups: { mode: 'none', v1Controllers: [] } }, QUIET).ok, false);
});

test('cgroups: hybrid is named and supported; sysctls and neighbours warn with what to do', () => {
  const report = judgeHost({ ...HEALTHY, cgroups: { mode: 'hybrid', v1Controllers: ['cpu', 'memory'] }, ipForward: false, rpFilter: 1, brNetfilter: { loaded: true, callIptables: true }, appArmor: false },
    { running: ['dockerd', 'firewalld'], ufwEnabled: true, iptablesLegacyRules: { 'ip filter': 3 }, foreignNftTables: ['ip filter'] });
  const cgroups = report.checks.find((c) => c.name === 'cgroups');
  assert.equal(cgroups?.status, 'ok');
  assert.match(cgroups?.detail ?? '', /^v1 hybrid .*supported/);
  for (const name of ['ip_forward', 'rp_filter', 'br_netfilter', 'dockerd', 'firewalld', 'ufw', 'iptables-legacy']) {
    assert.equal(status(report, name), 'warn', name);
    assert.ok((report.checks.find((c) => c.name === name)?.advice ?? '').length > 20, `${name} says what to do`);
  }
  assert.equal(status(report, 'apparmor'), 'missing');
  assert.equal(report.ok, true, 'warnings do not fail the host');
});
