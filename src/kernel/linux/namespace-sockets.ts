/**
 * Listening sockets inside another network namespace, for the daemon. Node can't setns(2), so a
 * short-lived Node child is started in the namespace (nsenter), binds there and passes the
 * descriptors back over its IPC channel (SCM_RIGHTS under Node's handle passing); the daemon then
 * serves them as its own. What dockerd does in-process for 127.0.0.11 costs us one Node start
 * per container start with a DNS network (every one of them since issue 10, item 8).
 */
import type { Socket as UdpSocket } from 'node:dgram';
import type { Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { exchangeWithChild, type IpcMessage } from '../../exec/index.js';
import { system } from '../../errors/index.js';
import type { NamespaceSocketPort, NamespaceSockets } from '../ports.js';

const CHILD = fileURLToPath(new URL('./namespace-sockets-child.js', import.meta.url));

export function namespaceSocketsArgv(netnsPath: string, address: string, port: number, node = process.execPath): string[] {
  return ['nsenter', `--net=${netnsPath}`, '--', node, CHILD, address, String(port)];
}

function kindOf(message: unknown): string | undefined {
  return typeof message === 'object' && message !== null ? String((message as { kind?: unknown }).kind) : undefined;
}

/** Both handles arrived: the exchange is complete. */
export function bothArrived(received: readonly IpcMessage[]): boolean {
  const kinds = new Set(received.filter((entry) => entry.handle !== undefined).map((entry) => kindOf(entry.message)));
  return kinds.has('udp') && kinds.has('tcp');
}

export class LinuxNamespaceSockets implements NamespaceSocketPort {
  async listen(netnsPath: string, address: string, port: number): Promise<NamespaceSockets> {
    try {
      const received = await exchangeWithChild(namespaceSocketsArgv(netnsPath, address, port), {
        done: (_message, all) => bothArrived(all),
        reply: { kind: 'ok' },
        // Every container start with a DNS network waits for this child: generous, since a Node
        // start on a loaded machine takes seconds, and a slow start beats a failed one.
        timeoutMs: 30_000,
      });
      const udp = received.find((entry) => kindOf(entry.message) === 'udp')?.handle as UdpSocket;
      const tcp = received.find((entry) => kindOf(entry.message) === 'tcp')?.handle as Server;
      return { udp, tcp };
    } catch (error) {
      throw system('kernel-netns-sockets', `open ${address}:${port} in ${netnsPath}: ${error instanceof Error ? error.message : String(error)}`, error);
    }
  }
}
