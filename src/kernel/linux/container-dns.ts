/**
 * The container side of the embedded resolver: a small table in the container's own namespace
 * that sends 127.0.0.11:53 (UDP and TCP) to the resolver's sockets there, 127.0.0.11:PORT (opened
 * by namespace-sockets.ts, served by the daemon; dockerd has the same DNAT to its random port):
 * - DNAT in the output hook, before routing, so a container that binds 0.0.0.0:53 itself still
 *   reaches the resolver (the rewritten packet never meets its socket); the target is local, so
 *   nothing leaves the namespace and no masquerade or route_localnet is needed;
 * - nothing from outside may arrive for or from 127/8 (the raw-priority drops): the kernel drops
 *   those as martians anyway unless route_localnet is on, which containers started by earlier
 *   versions (whose DNAT led to the gateway) still have; the drops keep their loopback private.
 * One process, argv only: `nft -f -` inside the namespace through nsenter (no shell).
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
    '\tchain prerouting {',
    '\t\ttype filter hook prerouting priority -300; policy accept;',
    '\t\tiifname != "lo" ip daddr 127.0.0.0/8 drop',
    '\t\tiifname != "lo" ip saddr 127.0.0.0/8 drop',
    '\t}',
    '}',
    '',
  ].join('\n');
}

export class LinuxContainerDns {
  async install(netnsPath: string, target: ResolverTarget): Promise<void> {
    try {
      await run(['nsenter', `--net=${netnsPath}`, '--', 'nft', '-f', '-'], { input: containerDnsScript(target), timeoutMs: 15_000 });
    } catch (error) {
      throw system('kernel-dns', `install the DNS rules in ${netnsPath}: ${error instanceof Error ? error.message : String(error)}`, error);
    }
  }
}
