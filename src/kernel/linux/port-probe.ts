/**
 * PortProbe for the daemon's own namespace: try to bind the port and close the socket at once.
 * EADDRINUSE means another process holds it. Binding 0.0.0.0 also collides with a dual-stack
 * [::] listener, as the kernel checks both. A host address that isn't local (EADDRNOTAVAIL) is
 * an error, in Go's wording as Docker users know it. Only this namespace: Node can't bind in
 * another one, so the daemon must run in the namespace whose ports it publishes.
 */
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { invalid, system } from '../../errors/index.js';
import type { PortProtocol } from '../../model/port.js';
import type { PortProbe } from '../ports.js';

function bindError(hostIp: string, protocol: PortProtocol, port: number, error: NodeJS.ErrnoException): Error {
  const family = hostIp.includes(':') ? '6' : '4';
  const address = hostIp.includes(':') ? `[${hostIp}]:${port}` : `${hostIp}:${port}`;
  if (error.code === 'EADDRNOTAVAIL') {
    return invalid('host-ip-not-local', `listen ${protocol}${family} ${address}: bind: cannot assign requested address`);
  }
  return system('port-probe-failed', `listen ${protocol}${family} ${address}: ${error.message}`);
}

function probeTcp(hostIp: string, port: number): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error));
    // exclusive: don't share a handle with cluster workers; ipv6Only so '::' only tests IPv6.
    server.listen({ host: hostIp, port, exclusive: true, ipv6Only: hostIp.includes(':') }, () => server.close(() => resolve(null)));
  });
}

function probeUdp(hostIp: string, port: number): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const socket = createSocket({ type: hostIp.includes(':') ? 'udp6' : 'udp4', ipv6Only: hostIp.includes(':') });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.close();
      resolve(error);
    });
    socket.bind({ address: hostIp, port, exclusive: true }, () => socket.close(() => resolve(null)));
  });
}

export class LinuxPortProbe implements PortProbe {
  async inUse(hostIp: string, protocol: PortProtocol, port: number): Promise<boolean> {
    // Node has no SCTP sockets; the allocator still guards SCTP ports among containers.
    if (protocol === 'sctp') return false;
    const error = protocol === 'tcp' ? await probeTcp(hostIp, port) : await probeUdp(hostIp, port);
    if (error === null) return false;
    if (error.code === 'EADDRINUSE') return true;
    throw bindError(hostIp, protocol, port, error);
  }
}
