/**
 * The embedded resolver as the daemon runs it: the server, the table from live state, upstreams
 * per container, and where a container reaches it: its first bridge/overlay network's gateway,
 * else (macvlan only) sockets of its own on 127.0.0.11:PORT inside its namespace.
 */
import { readFile } from 'node:fs/promises';
import type { NamespaceSocketPort } from '../kernel/ports.js';
import type { Container } from '../model/container.js';
import type { Endpoint, Network } from '../model/network.js';
import { forwardQuery } from './forwarder.js';
import { answerQuery } from './resolver.js';
import { DnsServer } from './server.js';
import { buildNameTable, nameserversOf, resolverPathOf } from './table-source.js';
import { notImplemented } from '../errors/index.js';

/** Docker's fallback when the host has no usable resolver. */
const FALLBACK_UPSTREAMS = ['8.8.8.8', '8.8.4.4'];

/** What a container's resolv.conf names; DNAT-ed in its namespace to wherever the resolver is. */
export const RESOLVER_ADDRESS = '127.0.0.11';

export interface ResolverTarget {
  address: string;
  port: number;
}

/**
 * Pure: where a container with these endpoints reaches a resolver listening on `port`: the
 * gateway of its first bridge/overlay network with DNS (an address of the daemon's namespace),
 * else, when it is on a macvlan network only, 127.0.0.11:PORT in its own namespace (sockets the
 * daemon opens there); undefined when none of its networks has embedded DNS.
 */
export function resolverTargetFor(endpoints: ReadonlyArray<{ network: Network; endpoint: Endpoint }>, port: number): ResolverTarget | undefined {
  if (!port) return undefined;
  const viaGateway = endpoints.find(({ network, endpoint }) => resolverPathOf(network) === 'gateway' && endpoint.gateway4 !== '');
  if (viaGateway) return { address: viaGateway.endpoint.gateway4, port };
  if (endpoints.some(({ network }) => resolverPathOf(network) === 'namespace')) return { address: RESOLVER_ADDRESS, port };
  return undefined;
}

/** The target is sockets inside the container's namespace (not the daemon's listener). */
export function isInNamespace(target: ResolverTarget): boolean {
  return target.address === RESOLVER_ADDRESS;
}

export interface EmbeddedDnsDeps {
  networks(): readonly Network[];
  endpointsOf(networkId: string): readonly Endpoint[];
  container(containerId: string): Container | undefined;
  /** The daemon namespace's resolv.conf (default /etc/resolv.conf). */
  resolvConfPath?: string;
  onError?: (error: unknown) => void;
  /** Opens listeners inside a container's namespace (for containers on macvlan networks only). */
  namespaceSockets?: NamespaceSocketPort;
}

/** Node children opening namespace listeners at once (a burst of starts, or a restart's adoptions). */
const MAX_OPENING = 8;

export class EmbeddedDns {
  private readonly server: DnsServer;
  private boundPort = 0;
  private opening = 0;
  private attempts = 0;
  private readonly latestAttempt = new Map<string, number>();
  private readonly waitingToOpen: Array<() => void> = [];

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

  /** See resolverTargetFor. */
  targetFor(endpoints: ReadonlyArray<{ network: Network; endpoint: Endpoint }>): ResolverTarget | undefined {
    return resolverTargetFor(endpoints, this.boundPort);
  }

  /**
   * The container's side of the resolver, beside its 127.0.0.11 rules: for an in-namespace
   * target, listeners on 127.0.0.11:PORT opened in its namespace and served as its own (replacing
   * any it had); for a gateway target, none (closing those it had, after a live connect).
   */
  async attach(containerId: string, netnsPath: string, target: ResolverTarget): Promise<void> {
    const attempt = (this.attempts += 1);
    this.latestAttempt.set(containerId, attempt);
    if (!isInNamespace(target)) return this.server.closeContainer(containerId);
    if (!this.deps.namespaceSockets) throw notImplemented('dns-namespace-sockets', 'embedded DNS: no way to open sockets in container namespaces');
    const opener = this.deps.namespaceSockets;
    const sockets = await this.limited(() => opener.listen(netnsPath, target.address, target.port));
    // Detached (the container went) or attached again meanwhile: these are stale, and would keep
    // a dead namespace alive.
    if (this.latestAttempt.get(containerId) !== attempt) {
      sockets.udp.close();
      sockets.tcp.close();
      return;
    }
    this.server.serveContainer(containerId, sockets);
  }

  private async limited<T>(task: () => Promise<T>): Promise<T> {
    // A finished task hands its slot straight to the next waiter.
    if (this.opening >= MAX_OPENING) await new Promise<void>((resolve) => this.waitingToOpen.push(resolve));
    else this.opening += 1;
    try {
      return await task();
    } finally {
      const next = this.waitingToOpen.shift();
      if (next) next();
      else this.opening -= 1;
    }
  }

  /** The container went (exit, failed start): its own listeners go too, or its namespace would live on. */
  detach(containerId: string): void {
    this.latestAttempt.delete(containerId);
    this.server.closeContainer(containerId);
  }

  private async upstreams(containerId: string): Promise<string[]> {
    const own = this.deps.container(containerId)?.hostConfig.dns ?? [];
    if (own.length > 0) return own;
    // No host resolv.conf: the fallback upstreams below.
    const text = await readFile(this.deps.resolvConfPath ?? '/etc/resolv.conf', 'utf8').catch(() => '');
    const servers = nameserversOf(text);
    return servers.length > 0 ? servers : FALLBACK_UPSTREAMS;
  }
}
