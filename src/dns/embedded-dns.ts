/**
 * The embedded resolver as the daemon runs it: the server, the table from live state, upstreams
 * per container, and where a container reaches it: sockets of its own on 127.0.0.11:PORT inside
 * its namespace (the DNAT of 127.0.0.11:53 in its namespace leads there), as dockerd's resolver
 * listens inside each container. Nothing listens in the daemon's namespace.
 *
 * PORT is chosen at random once per daemon run from the ephemeral range (dockerd binds port 0
 * inside each container); adopted containers get their sockets and rules again after a restart,
 * so it need not survive one.
 */
import { randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { NamespaceSocketPort } from '../kernel/ports.js';
import type { Container } from '../model/container.js';
import type { Endpoint, Network } from '../model/network.js';
import { Admission } from './admission.js';
import { forwardQuery } from './forwarder.js';
import { DNS_LIMITS, type DnsLimits } from './limits.js';
import type { FqdnGate } from './fqdn-gate.js';
import { answerQuery, type DnsClient } from './resolver.js';
import { DnsServer } from './server.js';
import { buildNameTable, hasEmbeddedDns, nameserversOf } from './table-source.js';
import { notImplemented } from '../errors/index.js';

/** Docker's fallback when the host has no usable resolver. */
const FALLBACK_UPSTREAMS = ['8.8.8.8', '8.8.4.4'];

/** What a container's resolv.conf names; DNAT-ed in its namespace to the resolver's sockets there. */
export const RESOLVER_ADDRESS = '127.0.0.11';

/** Linux's default ip_local_port_range: where dockerd's port-0 sockets land too. */
const PORT_RANGE = { low: 32_768, high: 60_999 };

export interface ResolverTarget {
  address: string;
  port: number;
}

/**
 * Pure: where a container with these endpoints reaches the resolver: 127.0.0.11:PORT in its own
 * namespace when one of its networks has embedded DNS, else nowhere (undefined).
 */
export function resolverTargetFor(endpoints: ReadonlyArray<{ network: Network; endpoint: Endpoint }>, port: number): ResolverTarget | undefined {
  if (!port || !endpoints.some(({ network }) => hasEmbeddedDns(network))) return undefined;
  return { address: RESOLVER_ADDRESS, port };
}

export interface EmbeddedDnsDeps {
  networks(): readonly Network[];
  endpointsOf(networkId: string): readonly Endpoint[];
  container(containerId: string): Container | undefined;
  /** The daemon namespace's resolv.conf (default /etc/resolv.conf). */
  resolvConfPath?: string;
  onError?: (error: unknown) => void;
  /** Opens the resolver's listeners inside a container's namespace. */
  namespaceSockets?: NamespaceSocketPort;
  /** The in-namespace port (default: random, once per daemon run). */
  port?: number;
  limits?: DnsLimits;
  forward?: (query: Buffer, servers: readonly string[]) => Promise<Buffer | undefined>;
  /** FQDN egress allow-lists: fills policies' sets from allowed answers (fqdn-gate.ts). */
  fqdn?: FqdnGate;
}

/** Node children opening namespace listeners at once (a burst of starts, or a restart's adoptions). */
const MAX_OPENING = 8;

export class EmbeddedDns {
  private readonly server: DnsServer;
  private readonly resolverPort: number;
  private readonly forwards: Admission;
  private opening = 0;
  private attempts = 0;
  private readonly latestAttempt = new Map<string, number>();
  private readonly waitingToOpen: Array<() => void> = [];

  constructor(private readonly deps: EmbeddedDnsDeps) {
    const limits = deps.limits ?? DNS_LIMITS;
    this.resolverPort = deps.port ?? randomInt(PORT_RANGE.low, PORT_RANGE.high + 1);
    this.forwards = new Admission(limits.forwardsPerClient, limits.forwardsTotal);
    this.server = new DnsServer(
      (query, client, transport) =>
        answerQuery(query, client, transport, {
          table: () => buildNameTable(deps.networks(), deps.endpointsOf, deps.container),
          upstreams: (containerId) => this.upstreams(containerId),
          forward: (packet, servers, asker) => this.forward(packet, servers, asker),
          fqdn: (addresses) => deps.fqdn?.forClient(addresses),
        }),
      deps.onError,
      limits,
    );
  }

  /** The port of the listeners inside containers (127.0.0.11:PORT). */
  get port(): number {
    return this.resolverPort;
  }

  /** Forwards in flight, per client or in all. */
  forwardsInFlight(containerId?: string): number {
    return this.forwards.held(containerId);
  }

  close(): void {
    this.server.close();
    this.deps.fqdn?.close();
  }

  /** See resolverTargetFor. */
  targetFor(endpoints: ReadonlyArray<{ network: Network; endpoint: Endpoint }>): ResolverTarget | undefined {
    return resolverTargetFor(endpoints, this.resolverPort);
  }

  /**
   * The container's side of the resolver, beside its 127.0.0.11 rules: listeners on the target
   * opened in its namespace and served as its own (replacing any it had).
   */
  async attach(containerId: string, netnsPath: string, target: ResolverTarget): Promise<void> {
    const attempt = (this.attempts += 1);
    this.latestAttempt.set(containerId, attempt);
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

  /** Whether the container's listeners are being served. */
  serves(containerId: string): boolean {
    return this.server.hasContainer(containerId);
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

  /** The container went (exit, failed start, last DNS network left): its listeners go too, or its namespace would live on. */
  detach(containerId: string): void {
    this.latestAttempt.delete(containerId);
    this.server.closeContainer(containerId);
  }

  /** Over the client's (or the daemon's) cap of forwards in flight: no forward, SERVFAIL. */
  private async forward(query: Buffer, servers: readonly string[], client: DnsClient): Promise<Buffer | undefined> {
    const release = this.forwards.enter(client.containerId);
    if (!release) return undefined;
    try {
      return await (this.deps.forward ?? forwardQuery)(query, servers);
    } finally {
      release();
    }
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
