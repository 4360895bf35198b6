/**
 * The container side of the embedded resolver. Node can't open a socket in another namespace,
 * so the resolver listens in the daemon's namespace and the container's own namespace gets a
 * small table that sends 127.0.0.11:53 (UDP and TCP) to GATEWAY:PORT:
 * - DNAT in the output hook, before routing, so a container that binds 0.0.0.0:53 itself still
 *   reaches the resolver (the rewritten packet never meets its socket);
 * - masquerade of the 127.0.0.1 source on the way out, so the resolver sees the container's
 *   address (that is how it knows who asks); route_localnet lets a 127/8 source be routed out at all;
 * - with route_localnet on, nothing from outside may arrive for or from 127/8 (a neighbour on the
 *   bridge must not reach the container's loopback services), hence the raw-priority drops.
 * Two processes, argv only, run side by side: `tee` writes the sysctl and `nft -f -` loads the
 * table, each inside the namespace through nsenter (no shell).
 */
import { run } from '../../exec/index.js';
import { system } from '../../errors/index.js';

export const DNS_TABLE = 'conet_dns';
export const RESOLVER_ADDRESS = '127.0.0.11';

export interface ResolverTarget {
  address: string;
  port: number;
}

/** Idempotent: re-applying replaces the table (connect, disconnect, a new resolver port). */
export function containerDnsScript(target: ResolverTarget): string {
  const to = `${target.address}:${target.port}`;
  return [
    `table ip ${DNS_TABLE}`,
    `delete table ip ${DNS_TABLE}`,
    `table ip ${DNS_TABLE} {`,
    '\tchain output {',
    '\t\ttype nat hook output priority -100; policy accept;',
    `\t\tip daddr ${RESOLVER_ADDRESS} udp dport 53 dnat to ${to}`,
    `\t\tip daddr ${RESOLVER_ADDRESS} tcp dport 53 dnat to ${to}`,
    '\t}',
    '\tchain postrouting {',
    '\t\ttype nat hook postrouting priority 100; policy accept;',
    '\t\toifname != "lo" ip saddr 127.0.0.0/8 masquerade',
    '\t}',
    '\tchain prerouting {',
    '\t\ttype filter hook prerouting priority -300; policy accept;',
    '\t\tiifname != "lo" ip daddr 127.0.0.0/8 drop',
    '\t\tiifname != "lo" ip saddr 127.0.0.0/8 drop',
    '\t}',
    '}',
    '',
  ].join('\n');
}

const ROUTE_LOCALNET = '/proc/sys/net/ipv4/conf/all/route_localnet';

export class LinuxContainerDns {
  async install(netnsPath: string, target: ResolverTarget): Promise<void> {
    try {
      const inNetns = ['nsenter', `--net=${netnsPath}`, '--'];
      await Promise.all([
        run([...inNetns, 'tee', ROUTE_LOCALNET], { input: '1', timeoutMs: 15_000 }),
        run([...inNetns, 'nft', '-f', '-'], { input: containerDnsScript(target), timeoutMs: 15_000 }),
      ]);
    } catch (error) {
      throw system('kernel-dns', `install the DNS rules in ${netnsPath}: ${error instanceof Error ? error.message : String(error)}`, error);
    }
  }
}
