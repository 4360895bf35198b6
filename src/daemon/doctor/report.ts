/**
 * `conet doctor`'s judgement, pure: host facts in, one check per feature out, each with a status
 * and, when it is not ok, what to do. `fail` is something conet can't run without; `missing` is a
 * feature some drivers or setups need; `warn` is something that can get in the way.
 */
import type { HostFacts, HostNeighbours, LinkKind } from '../../model/doctor.js';

export type CheckStatus = 'ok' | 'missing' | 'warn' | 'fail';

export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
  advice?: string;
}

export interface DoctorReport {
  /** False when a check failed (conet can't run here). */
  ok: boolean;
  checks: Check[];
}

/** What each link type is for, and whether conet can't do without it. */
const LINK_USE: Record<LinkKind, { use: string; required: boolean }> = {
  veth: { use: 'every container on a bridge or overlay network', required: true },
  bridge: { use: 'bridge networks (conet0 and user networks)', required: true },
  vxlan: { use: 'overlay networks (cluster mode)', required: false },
  macvlan: { use: 'macvlan networks', required: false },
  ipvlan: { use: 'ipvlan networks (not yet offered by conet)', required: false },
  vlan: { use: 'macvlan parents of the form eth0.10 (802.1q sub-interfaces)', required: false },
  dummy: { use: 'parent-less macvlan networks (Docker gives them a dummy parent; conet uses a bridge)', required: false },
  geneve: { use: 'nothing in conet today (other overlays use it)', required: false },
  wireguard: { use: 'nothing in conet today (encrypted overlays)', required: false },
  ipip: { use: 'nothing in conet today (IP-in-IP routed overlays, e.g. Calico)', required: false },
  gre: { use: 'nothing in conet today (GRE tunnels)', required: false },
  vrf: { use: 'nothing in conet today (VRF-separated routing)', required: false },
};

/** Kernel config names that are not the link type upper-cased. */
const KCONFIG: Partial<Record<LinkKind, string>> = { vlan: 'VLAN_8021Q', ipip: 'NET_IPIP', gre: 'NET_IPGRE', veth: 'VETH', bridge: 'BRIDGE' };

function linkChecks(facts: HostFacts): Check[] {
  return facts.links.map((probe) => {
    const { use, required } = LINK_USE[probe.kind];
    if (probe.ok) return { name: `link ${probe.kind}`, status: 'ok', detail: `made one in a throwaway namespace; used for ${use}` };
    return {
      name: `link ${probe.kind}`,
      status: required ? 'fail' : 'missing',
      detail: `the kernel refused one (${probe.error ?? 'unknown error'}); needed for ${use}`,
      advice: `load or build the ${probe.kind} module (CONFIG_${KCONFIG[probe.kind] ?? probe.kind.toUpperCase()}); on a host without /lib/modules install the kernel's modules package or use a kernel that has it built in`,
    };
  });
}

function check(name: string, ok: boolean, good: string, bad: string, advice: string, whenBad: CheckStatus = 'fail'): Check {
  return ok ? { name, status: 'ok', detail: good } : { name, status: whenBad, detail: bad, advice };
}

function cgroupCheck(facts: HostFacts): Check {
  const { mode, v1Controllers } = facts.cgroups;
  const controllers = v1Controllers.filter((name) => name !== 'unified').join(',');
  if (mode === 'none') return { name: 'cgroups', status: 'fail', detail: 'no cgroup hierarchy is mounted at /sys/fs/cgroup', advice: 'mount cgroup2 at /sys/fs/cgroup (or the v1 controllers), as systemd does at boot' };
  const label = mode === 'hybrid' ? 'v1 hybrid (v1 controllers with a cgroup2 unified hierarchy)' : mode === 'v1' ? 'v1' : 'v2 (unified)';
  return { name: 'cgroups', status: 'ok', detail: `${label}, supported${controllers ? `; v1 controllers: ${controllers}` : ''}` };
}

function featureChecks(facts: HostFacts): Check[] {
  return [
    check('netns', facts.netns.ok, 'made and removed a network namespace', `could not make a network namespace: ${facts.netns.error ?? ''}`, 'run conet as root (CAP_SYS_ADMIN and CAP_NET_ADMIN) on a kernel with CONFIG_NET_NS'),
    ...linkChecks(facts),
    check('nftables', facts.nftables.ok, 'made a table in a throwaway namespace', `nft could not make a table: ${facts.nftables.error ?? ''}`, 'install nftables (apt-get install nftables) and use a kernel with CONFIG_NF_TABLES and nft_chain_nat'),
    check('conntrack', facts.conntrack, 'connection tracking is on in a new namespace', 'no /proc/sys/net/netfilter/nf_conntrack_count in a new namespace', 'load nf_conntrack (CONFIG_NF_CONNTRACK); NAT and published ports need it'),
    cgroupCheck(facts),
    check('overlayfs', facts.overlayfs, 'overlay is in /proc/filesystems', 'no overlay filesystem', 'load the overlay module (CONFIG_OVERLAY_FS); container roots are overlay mounts'),
    check('seccomp', facts.seccomp, 'seccomp filters are available', 'the kernel has no seccomp filters', 'use a kernel with CONFIG_SECCOMP_FILTER; without it containers run without the default profile', 'missing'),
    check('apparmor', facts.appArmor, 'AppArmor is enabled', 'AppArmor is not enabled in this kernel', 'nothing to do unless you want AppArmor profiles: boot with apparmor=1 security=apparmor; conet runs containers without a profile here', 'missing'),
  ];
}

function sysctlChecks(facts: HostFacts): Check[] {
  const bridge = facts.brNetfilter;
  return [
    check('ip_forward', facts.ipForward, 'net.ipv4.ip_forward=1', 'net.ipv4.ip_forward=0 in this namespace', 'conet daemon turns it on when it starts (as dockerd does); set net.ipv4.ip_forward=1 in /etc/sysctl.d to keep it across reboots', 'warn'),
    check('rp_filter', facts.rpFilter !== 1, `net.ipv4.conf.all.rp_filter=${facts.rpFilter} (${facts.rpFilter === 2 ? 'loose' : 'off'})`, 'net.ipv4.conf.all.rp_filter=1 (strict)', 'strict reverse-path filtering drops routed overlay and asymmetric traffic; set it to 2 (loose) or 0', 'warn'),
    bridge.loaded && bridge.callIptables
      ? { name: 'br_netfilter', status: 'warn', detail: 'loaded, net.bridge.bridge-nf-call-iptables=1: frames between containers of one bridge also pass iptables FORWARD', advice: 'a DROP policy in iptables FORWARD (dockerd sets one) then cuts traffic inside conet networks: set net.bridge.bridge-nf-call-iptables=0, or accept conet bridges there' }
      : { name: 'br_netfilter', status: 'ok', detail: bridge.loaded ? 'loaded, bridge-nf-call-iptables=0' : 'not loaded (conet filters bridged traffic in its own nftables table; it does not need br_netfilter)' },
  ];
}

function engineCheck(name: string, running: boolean, advice: string): Check {
  return running ? { name, status: 'warn', detail: `${name} is running on this host`, advice } : { name, status: 'ok', detail: 'not running' };
}

function neighbourChecks(n: HostNeighbours): Check[] {
  const legacy = n.iptablesLegacyRules;
  const legacyCount = legacy === undefined ? 0 : Object.values(legacy).reduce((sum, count) => sum + count, 0);
  return [
    engineCheck('dockerd', n.running.includes('dockerd'), 'dockerd sets iptables FORWARD policy to DROP, so packets conet forwards are dropped there too (a packet must pass both firewalls): stop dockerd, or run conet in its own namespace, or add accept rules for conet bridges to DOCKER-USER; do not let both use the same bridge names or subnets'),
    engineCheck('firewalld', n.running.includes('firewalld'), 'firewalld rejects forwarded traffic outside its zones: add the conet bridges (conet0, br-*) to the trusted zone (firewall-cmd --permanent --zone=trusted --add-interface=conet0)'),
    ...(n.running.includes('podman') || n.running.includes('containerd') ? [{ name: 'other engines', status: 'warn' as const, detail: `${n.running.filter((p) => p === 'podman' || p === 'containerd').join(', ')} running`, advice: 'keep their networks on other subnets and bridge names; their firewall rules apply to forwarded traffic too' }] : []),
    n.ufwEnabled
      ? { name: 'ufw', status: 'warn', detail: 'ufw is enabled', advice: 'ufw\'s default forward policy is DROP: allow conet bridges with `ufw route allow in on conet0` (and each br-*)' }
      : { name: 'ufw', status: 'ok', detail: 'not enabled' },
    legacy === undefined || legacyCount === 0
      ? { name: 'iptables-legacy', status: 'ok', detail: legacy === undefined ? 'iptables-legacy is not installed' : 'no rules in iptables-legacy tables' }
      : { name: 'iptables-legacy', status: 'warn', detail: `${legacyCount} rules in ${Object.keys(legacy).join(', ')}`, advice: 'legacy iptables runs beside nftables: a DROP there wins over conet\'s accept; check `iptables-legacy-save` for FORWARD/INPUT drops touching conet subnets' },
    { name: 'nftables tables', status: 'ok', detail: n.foreignNftTables.length === 0 ? 'no tables of others' : `tables of others (conet never touches them; a drop in any of them still drops): ${n.foreignNftTables.join(', ')}` },
  ];
}

export function judgeHost(facts: HostFacts, neighbours: HostNeighbours): DoctorReport {
  const checks = [...featureChecks(facts), ...sysctlChecks(facts), ...neighbourChecks(neighbours)];
  return { ok: checks.every((c) => c.status !== 'fail'), checks };
}
