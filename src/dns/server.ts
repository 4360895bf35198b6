/**
 * The resolver's sockets: for each container, one UDP socket and one TCP listener on
 * 127.0.0.11:PORT inside the container's own network namespace (opened there by a child and
 * handed over; kernel/linux/namespace-sockets.ts), served here. Nothing listens in the daemon's
 * namespace, so nothing outside a container can ask, and the socket a query arrives on says
 * which container asks (the DnsClient), whatever its source address.
 *
 * The caps of limits.ts apply per client: TCP connections (the next one is closed at once) and
 * their deadlines (tcp-session.ts); oversized UDP queries are dropped. Forwards are capped by
 * the handler's owner (embedded-dns.ts), which sees the same client.
 */
import type { Socket } from 'node:dgram';
import type { Server, Socket as TcpSocket } from 'node:net';
import { Admission } from './admission.js';
import { DNS_LIMITS, type DnsLimits } from './limits.js';
import type { DnsClient, Transport } from './resolver.js';
import { serveTcpSession } from './tcp-session.js';

export type QueryHandler = (query: Buffer, client: DnsClient, transport: Transport) => Promise<Buffer | undefined>;

export interface ContainerSockets {
  udp: Socket;
  tcp: Server;
}

interface Served extends ContainerSockets {
  /** Open TCP connections: they hold the namespace too. */
  connections: Set<TcpSocket>;
}

export class DnsServer {
  private readonly perContainer = new Map<string, Served>();
  private readonly tcpAdmission: Admission;

  constructor(
    private readonly handler: QueryHandler,
    private readonly onError: (error: unknown) => void = () => undefined,
    private readonly limits: DnsLimits = DNS_LIMITS,
  ) {
    this.tcpAdmission = new Admission(limits.tcpPerClient, limits.tcpTotal);
  }

  /** Serves one container's own listeners (replacing any it had); the queries are that container's. */
  serveContainer(containerId: string, sockets: ContainerSockets): void {
    this.closeContainer(containerId);
    const client: DnsClient = { containerId };
    this.serveUdp(sockets.udp, client);
    const connections = new Set<TcpSocket>();
    sockets.tcp.on('connection', (socket: TcpSocket) => this.serveTcp(socket, client, connections));
    sockets.tcp.on('error', this.onError);
    this.perContainer.set(containerId, { ...sockets, connections });
  }

  hasContainer(containerId: string): boolean {
    return this.perContainer.has(containerId);
  }

  /** Open TCP connections, per container or in all. */
  tcpConnections(containerId?: string): number {
    return this.tcpAdmission.held(containerId);
  }

  /** Closes a container's own listeners (they keep its namespace alive while open). */
  closeContainer(containerId: string): void {
    const sockets = this.perContainer.get(containerId);
    if (!sockets) return;
    this.perContainer.delete(containerId);
    closeQuietly(sockets);
  }

  private serveUdp(udp: Socket, client: DnsClient): void {
    udp.on('error', this.onError);
    udp.on('message', (message, remote) => {
      if (message.length > this.limits.maxQueryBytes) return;
      this.handler(message, client, 'udp').then((answer) => {
        if (answer) udp.send(answer, remote.port, remote.address, (error) => error && this.onError(error));
      }).catch(this.onError);
    });
  }

  private serveTcp(socket: TcpSocket, client: DnsClient, connections: Set<TcpSocket>): void {
    const release = this.tcpAdmission.enter(client.containerId);
    if (!release) {
      socket.on('error', () => undefined);
      socket.destroy();
      return;
    }
    connections.add(socket);
    serveTcpSession(socket, {
      limits: this.limits,
      answer: (query) => this.handler(query, client, 'tcp'),
      onClose: () => {
        connections.delete(socket);
        release();
      },
      onError: this.onError,
    });
  }

  close(): void {
    for (const containerId of [...this.perContainer.keys()]) this.closeContainer(containerId);
  }
}

function closeQuietly(sockets: Served): void {
  try {
    sockets.udp.close();
  } catch {
    // Already closed.
  }
  sockets.tcp.close();
  for (const connection of sockets.connections) connection.destroy();
}
