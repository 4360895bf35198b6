/**
 * The embedded resolver as the daemon runs it: the server, the table from live state, upstreams
 * per container, and where a container reaches it (its first user-defined network's gateway).
 */
import { readFile } from 'node:fs/promises';
import type { Container } from '../model/container.js';
import type { Endpoint, Network } from '../model/network.js';
import { forwardQuery } from './forwarder.js';
import { answerQuery } from './resolver.js';
import { DnsServer } from './server.js';
import { buildNameTable, hasEmbeddedDns, nameserversOf } from './table-source.js';

/** Docker's fallback when the host has no usable resolver. */
const FALLBACK_UPSTREAMS = ['8.8.8.8', '8.8.4.4'];

export interface EmbeddedDnsDeps {
  networks(): readonly Network[];
  endpointsOf(networkId: string): readonly Endpoint[];
  container(containerId: string): Container | undefined;
  /** The daemon namespace's resolv.conf (default /etc/resolv.conf). */
  resolvConfPath?: string;
  onError?: (error: unknown) => void;
}

export class EmbeddedDns {
  private readonly server: DnsServer;
  private boundPort = 0;

  constructor(private readonly deps: EmbeddedDnsDeps) {
    this.server = new DnsServer(
      (query, source, transport) =>
        answerQuery(query, source, transport, {
          table: () => buildNameTable(deps.networks(), deps.endpointsOf, deps.container),
          upstreams: (containerId) => this.upstreams(containerId),
          forward: (packet, servers) => forwardQuery(packet, servers),
        }),
      deps.onError,
    );
  }

  get port(): number {
    return this.boundPort;
  }

  async listen(preferred = 0): Promise<number> {
    this.boundPort = await this.server.listen(preferred);
    return this.boundPort;
  }

  close(): void {
    this.server.close();
  }

  /** The first endpoint on a network with embedded DNS, through its gateway. */
  targetFor(endpoints: ReadonlyArray<{ network: Network; endpoint: Endpoint }>): { address: string; port: number } | undefined {
    const first = endpoints.find(({ network, endpoint }) => hasEmbeddedDns(network) && endpoint.gateway4 !== '');
    return first && this.boundPort ? { address: first.endpoint.gateway4, port: this.boundPort } : undefined;
  }

  private async upstreams(containerId: string): Promise<string[]> {
    const own = this.deps.container(containerId)?.hostConfig.dns ?? [];
    if (own.length > 0) return own;
    const text = await readFile(this.deps.resolvConfPath ?? '/etc/resolv.conf', 'utf8').catch(() => '');
    const servers = nameserversOf(text);
    return servers.length > 0 ? servers : FALLBACK_UPSTREAMS;
  }
}
