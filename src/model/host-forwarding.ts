/** What `docker info` reports of the host's packet forwarding: plain values, read by the kernel adapter. */

export interface HostForwarding {
  /** net.ipv4.ip_forward is 1 in the daemon's namespace. */
  ipv4Forwarding: boolean;
  /** br_netfilter is loaded and shows bridged IPv4 frames to the firewall (bridge-nf-call-iptables = 1). */
  bridgeNfIptables: boolean;
  /** The same for IPv6 (bridge-nf-call-ip6tables = 1). */
  bridgeNfIp6tables: boolean;
}
