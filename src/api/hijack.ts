/**
 * Hijacked connections (attach, exec start): the client asks for `Upgrade: tcp`, we answer
 * 101 and the socket becomes a raw byte stream both ways. Before the upgrade an error is still an
 * ordinary HTTP response written on the socket.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { invalid, toHttpError } from '../errors/index.js';
import { bodyTooLarge, commonHeaders } from './http.js';
import { declaredLengthFits } from './limits.js';

export interface HijackContext {
  request: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  params: Record<string, string>;
  query: URLSearchParams;
  version: string;
  /** The request body when the client sent one before upgrading (exec start sends JSON). */
  body: string;
}

export type HijackHandler = (context: HijackContext) => Promise<void>;

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 500: 'Internal Server Error', 501: 'Not Implemented', 503: 'Service Unavailable' };

export function acceptUpgrade(socket: Duplex): void {
  socket.write(
    'HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n' +
      Object.entries(commonHeaders()).map(([key, value]) => `${key}: ${value}\r\n`).join('') +
      '\r\n',
  );
}

/** Answers an upgrade request with an error and closes the connection once the answer is out. */
export function rejectUpgrade(socket: Duplex, error: unknown): void {
  const { status, body } = toHttpError(error);
  const text = `${JSON.stringify(body)}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n` +
      Object.entries(commonHeaders()).map(([key, value]) => `${key}: ${value}\r\n`).join('') +
      `Connection: close\r\n\r\n${text}`,
    // A client still sending (a body over the cap) would otherwise hold the half-closed socket.
    () => socket.destroy(),
  );
}

/** The next chunk from the socket; null at its end or once the deadline has passed. */
function nextChunk(socket: Duplex, deadline: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const done = (chunk: Buffer | null): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      resolve(chunk);
    };
    const onData = (chunk: Buffer): void => done(chunk);
    const onEnd = (): void => done(null);
    const timer = setTimeout(() => done(null), Math.max(0, deadline - Date.now()));
    socket.on('data', onData);
    socket.once('end', onEnd);
  });
}

/**
 * The body a client sends with its upgrade request (exec start's JSON), capped like any JSON body
 * and due within timeoutMs; the bytes after it already belong to the stream.
 */
export async function readUpgradeBody(request: IncomingMessage, socket: Duplex, head: Buffer, timeoutMs: number): Promise<{ body: string; rest: Buffer }> {
  if (!declaredLengthFits(request.headers['content-length'])) throw bodyTooLarge();
  const length = Number(request.headers['content-length'] ?? 0);
  const chunks = [head];
  let size = head.length;
  const deadline = Date.now() + timeoutMs;
  while (size < length) {
    const chunk = await nextChunk(socket, deadline);
    if (chunk === null) throw invalid('request-body', `request body not received within ${timeoutMs / 1000} s`);
    chunks.push(chunk);
    size += chunk.length;
  }
  const buffer = Buffer.concat(chunks);
  return { body: buffer.subarray(0, length).toString('utf8'), rest: buffer.subarray(length) };
}
