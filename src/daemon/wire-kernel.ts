/**
 * The Linux adapters behind the kernel ports, made in one place. The nft session and the ip
 * session (links and the host side of veths share it) hold a process each, hence close().
 */
import { readCgroupFeatures } from '../kernel/linux/cgroup-features.js';
import type { CgroupFeatures } from '../model/resources.js';
import type { Kernel } from '../kernel/ports.js';
import { LinuxContainerDns } from '../kernel/linux/container-dns.js';
import { IpSession } from '../kernel/linux/ip-session.js';
import { LinuxLinks } from '../kernel/linux/links.js';
import { LinuxMacvlan } from '../kernel/linux/macvlan.js';
import { LinuxNamespaceSockets } from '../kernel/linux/namespace-sockets.js';
import { LinuxNftables } from '../kernel/linux/nft.js';
import { LinuxFirewallWatch } from '../kernel/linux/nft-monitor.js';
import { LinuxOverlay } from '../kernel/linux/overlay.js';
import { LinuxPortProbe } from '../kernel/linux/port-probe.js';
import { LinuxSandboxes } from '../kernel/linux/sandboxes.js';
import { LinuxSysctl } from '../kernel/linux/sysctl.js';
import { readHostForwarding } from '../kernel/linux/sysctl-forwarding.js';
import type { HostForwarding } from '../model/host-forwarding.js';
import type { Logger } from '../util/logger.js';

export interface LinuxAdapters {
  kernel: Kernel;
  macvlan: LinuxMacvlan;
  overlay: LinuxOverlay;
  portProbe: LinuxPortProbe;
  containerDns: LinuxContainerDns;
  namespaceSockets: LinuxNamespaceSockets;
  /** `nft monitor` for the firewall's self-heal. */
  firewallWatch: LinuxFirewallWatch;
  /** The daemon namespace's forwarding switches, read live (`docker info`). */
  forwarding(): Promise<HostForwarding>;
  /** The kernel's ephemeral port range, where -P picks host ports (as Docker). */
  portRange(): Promise<{ start: number; end: number }>;
  /** What the host's cgroups offer (cpuset lists, blkio weight), for Docker's resource checks. */
  cgroupFeatures(): Promise<CgroupFeatures>;
  close(): void;
}

export function linuxAdapters(logger: Logger): LinuxAdapters {
  const nftables = new LinuxNftables();
  const ip = new IpSession();
  const kernel: Kernel = { links: new LinuxLinks(ip), sandboxes: new LinuxSandboxes(logger, ip), firewall: nftables, sysctl: new LinuxSysctl() };
  return {
    kernel,
    macvlan: new LinuxMacvlan(logger),
    overlay: new LinuxOverlay(),
    portProbe: new LinuxPortProbe(),
    containerDns: new LinuxContainerDns(),
    namespaceSockets: new LinuxNamespaceSockets(),
    firewallWatch: new LinuxFirewallWatch(),
    forwarding: () => readHostForwarding(kernel.sysctl),
    portRange: () => readPortRange(kernel),
    cgroupFeatures: () => readCgroupFeatures(),
    close: () => {
      nftables.close();
      ip.close();
    },
  };
}

async function readPortRange(kernel: Kernel): Promise<{ start: number; end: number }> {
  // Unreadable sysctl: the kernel's default range.
  const text = await kernel.sysctl.read('net.ipv4.ip_local_port_range').catch(() => '32768 60999');
  const [start = 32768, end = 60999] = text.trim().split(/\s+/).map(Number);
  return { start, end };
}
