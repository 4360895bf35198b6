/**
 * One DNS-over-TCP connection to the embedded resolver, with the caps of limits.ts: it ends at
 * its deadline whatever it does, and after an idle spell without a complete query (a partial
 * frame is no activity, so a one-byte-a-second trickle ends at the idle limit); an oversized
 * frame or a backlog of answers the client doesn't read ends it too. Queries on one connection
 * are answered as they complete (pipelining), each answer framed. The socket and the timers are
 * interfaces, so the unit tests drive it with fakes.
 */
import type { DnsLimits } from './limits.js';
import { TcpFrames, frame } from './tcp-framing.js';

/** What the session needs of a net.Socket. */
export interface TcpConnection {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'close' | 'error', listener: () => void): unknown;
  write(data: Buffer): boolean;
  destroy(): void;
  readonly writableLength: number;
  readonly destroyed: boolean;
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface TcpSessionOptions {
  limits: Pick<DnsLimits, 'tcpDeadlineMs' | 'tcpIdleMs' | 'maxQueryBytes' | 'maxTcpBacklogBytes'>;
  /** Answers one query; undefined means "no answer" (a stranger): the connection ends. */
  answer(query: Buffer): Promise<Buffer | undefined>;
  /** Called once, when the connection is gone (gives back its admission slot). */
  onClose?: () => void;
  onError?: (error: unknown) => void;
  timers?: Timers;
}

export function serveTcpSession(socket: TcpConnection, options: TcpSessionOptions): void {
  const timers = options.timers ?? realTimers;
  const { limits } = options;
  const frames = new TcpFrames(limits.maxQueryBytes);
  const end = (): void => {
    if (!socket.destroyed) socket.destroy();
  };
  const deadline = timers.setTimeout(end, limits.tcpDeadlineMs);
  let idle = timers.setTimeout(end, limits.tcpIdleMs);
  let closed = false;
  socket.on('close', () => {
    if (closed) return;
    closed = true;
    timers.clearTimeout(deadline);
    timers.clearTimeout(idle);
    options.onClose?.();
  });
  socket.on('error', end);
  socket.on('data', (chunk: Buffer) => {
    const queries = frames.push(chunk);
    if (frames.tooLong) return end();
    if (queries.length === 0) return;
    timers.clearTimeout(idle);
    idle = timers.setTimeout(end, limits.tcpIdleMs);
    for (const query of queries) respond(socket, query, options, end);
  });
}

function respond(socket: TcpConnection, query: Buffer, options: TcpSessionOptions, end: () => void): void {
  options.answer(query).then((answer) => {
    if (socket.destroyed) return;
    if (!answer) return end();
    if (socket.writableLength > options.limits.maxTcpBacklogBytes) return end();
    socket.write(frame(answer));
  }, (error: unknown) => options.onError?.(error));
}
