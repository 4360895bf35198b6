/**
 * Forwarding to upstream resolvers from the daemon's own namespace (so loopback resolvers of the
 * host work too): UDP to each server in turn until one answers, TCP when the answer is truncated.
 * A connected UDP socket turns an ICMP "port unreachable" into an immediate error, so a dead
 * server costs a round trip, not the whole timeout.
 */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { isIPv6 } from 'node:net';
import { TcpFrames, frame } from './tcp-framing.js';

const DNS_PORT = 53;

export interface ForwardOptions {
  /** Per server and transport. */
  timeoutMs?: number;
}

export async function forwardQuery(query: Buffer, servers: readonly string[], options: ForwardOptions = {}): Promise<Buffer | undefined> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  for (const server of servers) {
    try {
      const answer = await udpExchange(query, server, timeoutMs);
      // TC is bit 9 of the flags word (bytes 2-3).
      if (((answer[2] ?? 0) & 0x02) === 0) return answer;
      return await tcpExchange(query, server, timeoutMs);
    } catch {
      // Next server.
    }
  }
  return undefined;
}

export function udpExchange(query: Buffer, server: string, timeoutMs: number, port = DNS_PORT): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIPv6(server) ? 'udp6' : 'udp4');
    let done = false;
    const finish = (error: Error | undefined, answer?: Buffer): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.close();
      if (error) reject(error);
      else resolve(answer as Buffer);
    };
    const timer = setTimeout(() => finish(new Error(`no answer from ${server} within ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', (error) => finish(error));
    socket.on('message', (message) => {
      // Same id as the query, or it is a stray.
      if (message.length >= 2 && message.readUInt16BE(0) === query.readUInt16BE(0)) finish(undefined, message);
    });
    socket.connect(port, server, (error?: Error) => {
      if (error) return finish(error);
      socket.send(query, (sendError) => sendError && finish(sendError));
    });
  });
}

export function tcpExchange(query: Buffer, server: string, timeoutMs: number, port = DNS_PORT): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: server, port });
    const frames = new TcpFrames();
    let done = false;
    const finish = (error: Error | undefined, answer?: Buffer): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(answer as Buffer);
    };
    const timer = setTimeout(() => finish(new Error(`no TCP answer from ${server} within ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', (error) => finish(error));
    socket.on('connect', () => socket.write(frame(query)));
    socket.on('data', (chunk: Buffer) => {
      const [answer] = frames.push(chunk);
      if (answer) finish(undefined, answer);
    });
    socket.on('end', () => finish(new Error(`${server} closed the TCP connection early`)));
  });
}
