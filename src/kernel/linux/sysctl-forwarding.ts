/**
 * The forwarding switches `docker info` shows, read live from the daemon's namespace. The
 * bridge-nf-call keys exist only while br_netfilter is loaded: a key that can't be read counts as
 * off, as Docker reports it.
 */
import type { HostForwarding } from '../../model/host-forwarding.js';
import type { SysctlPort } from '../ports.js';

async function isOn(sysctl: SysctlPort, key: string): Promise<boolean> {
  // Unreadable key: br_netfilter not loaded, which Docker reports as off.
  return (await sysctl.read(key).catch(() => '0')) === '1';
}

export async function readHostForwarding(sysctl: SysctlPort): Promise<HostForwarding> {
  const [ipv4Forwarding, bridgeNfIptables, bridgeNfIp6tables] = await Promise.all([
    isOn(sysctl, 'net.ipv4.ip_forward'),
    isOn(sysctl, 'net.bridge.bridge-nf-call-iptables'),
    isOn(sysctl, 'net.bridge.bridge-nf-call-ip6tables'),
  ]);
  return { ipv4Forwarding, bridgeNfIptables, bridgeNfIp6tables };
}
