/**
 * The Docker Engine API over a unix socket. Thin: decode, call the engine, render; every error
 * becomes Docker's status and {"message": ...} body.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { chmod, lstat, unlink } from 'node:fs/promises';
import { createConnection } from 'node:net';
import type { Duplex } from 'node:stream';
import { armBodyDeadline } from './body-deadline.js';
import { PacedCloser } from './client-errors.js';
import { readUpgradeBody, rejectUpgrade } from './hijack.js';
import { conflict, notFound, EngineError } from '../errors/index.js';
import { sendError, sendJson } from './http.js';
import { DEFAULT_LIMITS, type ApiLimits } from './limits.js';
import type { Router } from './router.js';
import { splitVersion } from './version.js';

export interface ApiLogger {
  request(entry: { method: string; path: string; status: number; ms: number }): void;
  error(message: string, fields: Record<string, unknown>): void;
}

/** The server with the caps and deadlines of limits.ts; Node's whole-request timeout is off for uploads. */
export function createApiServer(router: Router, logger: ApiLogger, limits: ApiLimits = DEFAULT_LIMITS): Server {
  const server = createServer(
    {
      maxHeaderSize: limits.maxHeaderBytes,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: 0,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
    },
    (request, response) => {
      void handle(router, logger, limits, request, response);
    },
  );
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    void handleUpgrade(router, logger, limits, request, socket, head);
  });
  server.on('clientError', new PacedCloser().onClientError);
  return server;
}

async function handleUpgrade(router: Router, logger: ApiLogger, limits: ApiLimits, request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://docker');
  socket.on('error', () => undefined);
  try {
    const { version, path } = splitVersion(url.pathname);
    const matched = router.matchHijack(request.method ?? 'POST', path);
    if (!matched) throw notFound('page-not-found', 'page not found');
    const { body, rest } = await readUpgradeBody(request, socket, head, limits.bodyTimeoutMs);
    logger.request({ method: request.method ?? '', path: url.pathname, status: 101, ms: 0 });
    await matched.handler({ request, socket, head: rest, params: matched.params, query: url.searchParams, version, body });
  } catch (error) {
    if (!(error instanceof EngineError) || error.kind === 'system') logger.error('hijacked request failed', { path: url.pathname, error: String(error) });
    rejectUpgrade(socket, error);
  }
}

async function handle(router: Router, logger: ApiLogger, limits: ApiLimits, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const started = performance.now();
  const url = new URL(request.url ?? '/', 'http://docker');
  response.on('finish', () => {
    logger.request({ method: request.method ?? '', path: url.pathname, status: response.statusCode, ms: performance.now() - started });
  });
  const cancelDeadline = armBodyDeadline(request, response, limits.bodyTimeoutMs);
  try {
    const { version, path } = splitVersion(url.pathname);
    const matched = router.match(request.method ?? 'GET', path);
    if (typeof matched === 'object' && matched.streamsBody) cancelDeadline();
    if (matched === undefined) throw notFound('page-not-found', 'page not found');
    if (matched === 'method-not-allowed') {
      sendJson(response, 405, { message: `method ${request.method} not allowed for ${path}` });
      return;
    }
    await matched.handler({ request, response, params: matched.params, query: url.searchParams, version });
  } catch (error) {
    if (!(error instanceof EngineError) || error.kind === 'system') {
      logger.error('request failed', { method: request.method, path: url.pathname, error: String(error), cause: String((error as Error).cause ?? '') });
    }
    // The rest of a refused body is not read: the connection closes after the answer.
    if (!request.complete && !response.headersSent) response.setHeader('Connection', 'close');
    sendError(response, error);
  }
}

/** Removes a stale socket file left by a crashed daemon, but never one a live daemon listens on. */
async function clearStaleSocket(path: string): Promise<void> {
  // No file there: nothing stale to clear.
  const stat = await lstat(path).catch(() => undefined);
  if (!stat) return;
  if (!stat.isSocket()) throw conflict('socket-path', `${path} exists and is not a socket`);
  const alive = await new Promise<boolean>((resolve) => {
    const socket = createConnection(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
  if (alive) throw conflict('socket-in-use', `another daemon is already listening on ${path}`);
  await unlink(path);
}

export async function listenUnix(server: Server, path: string): Promise<void> {
  await clearStaleSocket(path);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  await chmod(path, 0o660);
}
