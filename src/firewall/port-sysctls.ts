/**
 * Kernel settings the ruleset in nft-ports.ts relies on; the engine writes them in the daemon's
 * namespace before publishing (the firewall builder stays pure and can't).
 *
 * - net.ipv4.ip_forward=1: DNAT-ed packets are forwarded to the bridge (the bridge driver needs
 *   it anyway for outgoing traffic).
 * - net.ipv4.conf.<bridge>.route_localnet=1: lets a packet with a 127.0.0.0/8 source (host ->
 *   127.0.0.1:port, DNAT-ed) be routed out of the bridge, and its de-NAT-ed reply in. Per bridge,
 *   not `all`, so no other interface accepts 127/8 traffic; the input drop in nft-ports.ts closes
 *   the bridge side (CVE-2020-8558). Docker sets the same per bridge when the proxy is off.
 */
import { assertBridgeName } from './validate.js';

export interface SysctlSetting {
  /** sysctl(8) name; a '.' inside an interface name is written '/' there. */
  key: string;
  /** Path below /proc/sys, unambiguous for interface names with dots (e.g. "br-b.x"). */
  path: string;
  value: string;
}

function setting(parts: readonly string[], value: string): SysctlSetting {
  return { key: parts.map((part) => part.replaceAll('.', '/')).join('.'), path: parts.join('/'), value };
}

/** Settings for publishing ports on these bridges (each bridge once, in the order given). */
export function publishedPortSysctls(bridges: readonly string[]): SysctlSetting[] {
  const settings = [setting(['net', 'ipv4', 'ip_forward'], '1')];
  for (const bridge of new Set(bridges)) {
    settings.push(setting(['net', 'ipv4', 'conf', assertBridgeName(bridge), 'route_localnet'], '1'));
  }
  return settings;
}
