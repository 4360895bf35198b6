/**
 * The resolver's sockets: UDP and TCP on one port in the daemon's own namespace. Containers reach
 * it at their network's gateway address through the DNAT rules in their namespace
 * (kernel/linux/container-dns.ts). The port is high and per daemon (never 53, so a host resolver
 * is never in the way); the caller keeps it across restarts so running containers' rules stay valid.
 *
 * Containers that can't reach the daemon's namespace (macvlan) have sockets of their own, opened
 * inside their namespace on 127.0.0.11:PORT and served here too (`serveContainer`): for those
 * the socket, not the source address, says who asks.
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import type { QuerySource, Transport } from './resolver.js';
import { TcpFrames, frame } from './tcp-framing.js';
import { unavailable } from '../errors/index.js';

export type QueryHandler = (query: Buffer, source: QuerySource, transport: Transport) => Promise<Buffer | undefined>;

export interface ContainerSockets {
  udp: Socket;
  tcp: Server;
}

interface Served extends ContainerSockets {
  /** Open TCP connections: they hold the namespace too. */
  connections: Set<import('node:net').Socket>;
}

export class DnsServer {
  private udp: Socket | undefined;
  private tcp: Server | undefined;
  private readonly perContainer = new Map<string, Served>();

  constructor(private readonly handler: QueryHandler, private readonly onError: (error: unknown) => void = () => undefined) {}

  /** Listens on `preferred` when free, else on a port the kernel picks that is free for both UDP and TCP. */
  async listen(preferred = 0): Promise<number> {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const port = attempt === 0 ? preferred : 0;
      const udp = createSocket('udp4');
      const bound = await new Promise<number | undefined>((resolve) => {
        udp.once('error', () => resolve(undefined));
        udp.bind(port, '0.0.0.0', () => resolve(udp.address().port));
      });
      if (bound === undefined) {
        udp.close();
        continue;
      }
      const tcp = createServer((socket) => this.serveTcp(socket));
      const listening = await new Promise<boolean>((resolve) => {
        tcp.once('error', () => resolve(false));
        tcp.listen(bound, '0.0.0.0', () => resolve(true));
      });
      if (!listening) {
        udp.close();
        continue;
      }
      udp.removeAllListeners('error');
      this.serveUdp(udp, (remote) => remote);
      this.udp = udp;
      this.tcp = tcp;
      return bound;
    }
    throw unavailable('dns-port', 'no free port for the embedded DNS resolver');
  }

  /** Serves one container's own listeners (replacing any it had); the queries are that container's. */
  serveContainer(containerId: string, sockets: ContainerSockets): void {
    this.closeContainer(containerId);
    const source = { containerId };
    this.serveUdp(sockets.udp, () => source);
    const connections = new Set<import('node:net').Socket>();
    sockets.tcp.on('connection', (socket: import('node:net').Socket) => {
      connections.add(socket);
      socket.once('close', () => connections.delete(socket));
      this.serveTcp(socket, source);
    });
    sockets.tcp.on('error', this.onError);
    this.perContainer.set(containerId, { ...sockets, connections });
  }

  hasContainer(containerId: string): boolean {
    return this.perContainer.has(containerId);
  }

  /** Closes a container's own listeners (they keep its namespace alive while open). */
  closeContainer(containerId: string): void {
    const sockets = this.perContainer.get(containerId);
    if (!sockets) return;
    this.perContainer.delete(containerId);
    closeQuietly(sockets);
  }

  private serveUdp(udp: Socket, sourceOf: (remoteAddress: string) => QuerySource): void {
    udp.on('error', this.onError);
    udp.on('message', (message, remote) => {
      this.handler(message, sourceOf(remote.address), 'udp').then((answer) => {
        if (answer) udp.send(answer, remote.port, remote.address, (error) => error && this.onError(error));
      }).catch(this.onError);
    });
  }

  private serveTcp(socket: import('node:net').Socket, fixedSource?: QuerySource): void {
    const frames = new TcpFrames();
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      for (const query of frames.push(chunk)) {
        this.handler(query, fixedSource ?? socket.remoteAddress ?? '', 'tcp').then((answer) => {
          if (!answer) return socket.destroy();
          socket.write(frame(answer));
        }).catch(this.onError);
      }
    });
  }

  close(): void {
    for (const containerId of [...this.perContainer.keys()]) this.closeContainer(containerId);
    this.udp?.close();
    this.tcp?.close();
    this.udp = undefined;
    this.tcp = undefined;
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
