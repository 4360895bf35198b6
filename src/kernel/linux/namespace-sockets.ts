/**
 * Listening sockets inside another network namespace, for the daemon. Node can't setns(2), so a
 * short-lived child binds there and passes the descriptors back over its IPC channel (SCM_RIGHTS
 * under Node's handle passing); the daemon then serves them as its own. The child is the C helper
 * of native/netns-sockets.c (setns, socket, bind, then Node's NODE_HANDLE messages: about a
 * millisecond of its own), or, when it wasn't built, a Node script under nsenter (one Node start
 * per container start with a DNS network). The C helper must keep to Node's internal format of
 * handle passing (lib/internal/child_process.js, `handleConversion`): the unit test of this file
 * and every e2e DNS test exercise it against the Node that runs the daemon.
 */
import type { Socket as UdpSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import type { Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { exchangeWithChild, type IpcMessage } from '../../exec/index.js';
import { system } from '../../errors/index.js';
import type { NamespaceSocketPort, NamespaceSockets } from '../ports.js';

const CHILD = fileURLToPath(new URL('./namespace-sockets-child.js', import.meta.url));
/** native/netns-sockets.c, built by `npm run build` beside dist/src. */
export const NATIVE_HELPER = fileURLToPath(new URL('../../../conet-netns-sockets', import.meta.url));

/**
 * The C helper when it was built (it enters the namespace itself and speaks Node's handle-passing
 * format: milliseconds), else a Node child under nsenter (one Node start).
 */
export function namespaceSocketsArgv(netnsPath: string, address: string, port: number, options: { node?: string; helper?: string } = {}): string[] {
  if (options.helper) return [options.helper, netnsPath, address, String(port)];
  return ['nsenter', `--net=${netnsPath}`, '--', options.node ?? process.execPath, CHILD, address, String(port)];
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
  private readonly helper: string | undefined;

  constructor(helper = NATIVE_HELPER) {
    this.helper = existsSync(helper) ? helper : undefined;
  }

  async listen(netnsPath: string, address: string, port: number): Promise<NamespaceSockets> {
    try {
      const received = await exchangeWithChild(namespaceSocketsArgv(netnsPath, address, port, this.helper ? { helper: this.helper } : {}), {
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
