/**
 * Hijacked connections (attach, exec start): the client asks for `Upgrade: tcp`, we answer
 * 101 and the socket becomes a raw byte stream both ways. Before the upgrade an error is still an
 * ordinary HTTP response written on the socket.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { toHttpError } from '../errors/index.js';
import { commonHeaders } from './http.js';

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

export function rejectUpgrade(socket: Duplex, error: unknown): void {
  const { status, body } = toHttpError(error);
  const text = `${JSON.stringify(body)}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n` +
      Object.entries(commonHeaders()).map(([key, value]) => `${key}: ${value}\r\n`).join('') +
      `Connection: close\r\n\r\n${text}`,
  );
}
