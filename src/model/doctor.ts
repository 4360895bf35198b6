/** What `conet doctor` learns about a host (kernel/linux/doctor/ gathers it; daemon/doctor/ judges it). */
export const LINK_KINDS = ['veth', 'bridge', 'vxlan', 'macvlan', 'ipvlan', 'vlan', 'dummy', 'geneve', 'wireguard', 'ipip', 'gre', 'vrf'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

export interface LinkProbe {
  kind: LinkKind;
  ok: boolean;
  /** The kernel's refusal when not ok ("Unknown device type."). */
  error?: string;
}

export type CgroupMode = 'v1' | 'hybrid' | 'v2' | 'none';

export interface HostFacts {
  /** A network namespace could be made (and the link probes ran inside it). */
  netns: { ok: boolean; error?: string };
  links: LinkProbe[];
  /** An nftables table could be made in the throwaway namespace. */
  nftables: { ok: boolean; error?: string };
  conntrack: boolean;
  /** br_netfilter loaded, and its bridge-nf-call-iptables value when it is. */
  brNetfilter: { loaded: boolean; callIptables?: boolean };
  cgroups: { mode: CgroupMode; v1Controllers: string[] };
  overlayfs: boolean;
  seccomp: boolean;
  appArmor: boolean;
  ipForward: boolean;
  /** net.ipv4.conf.all.rp_filter: 0 off, 1 strict, 2 loose. */
  rpFilter: number;
}

export interface HostNeighbours {
  /** Running processes by name among dockerd, containerd, firewalld, podman. */
  running: string[];
  /** ufw's ENABLED=yes in /etc/ufw/ufw.conf. */
  ufwEnabled: boolean;
  /** Rules (-A lines) in iptables-legacy's tables, per table; undefined when iptables-legacy is absent. */
  iptablesLegacyRules?: Record<string, number>;
  /** nftables tables of others in this namespace ("family name"). */
  foreignNftTables: string[];
}
