/**
 * The view's HTTP server: read-only (GET only), every request through access.ts first. Routes:
 * the page and its bundle, /api/topology (a snapshot), /api/events (server-sent events, one
 * `topology` event per change), /api/containers/ID (details) and /api/trace?src=&dst=.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { toHttpError } from '../errors/index.js';
import type { Logger } from '../util/logger.js';
import { checkAccess } from './access.js';
import { containerDetails } from './details.js';
import type { DockerApi } from './docker-api.js';
import type { LiveTopology } from './live.js';
import type { StaticFile } from './static-files.js';
import { traceBetween, validTraceEnd } from './trace.js';

export interface UiServerDeps {
  api: DockerApi;
  live: LiveTopology;
  files: ReadonlyMap<string, StaticFile>;
  token: string;
  hosts: ReadonlySet<string>;
  logger: Logger;
}

const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};
const CONTAINER = /^\/api\/containers\/([A-Za-z0-9][A-Za-z0-9_.-]{0,127})$/;

function send(response: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, ...extra });
  response.end(body);
}

const sendJson = (response: ServerResponse, status: number, value: unknown): void => send(response, status, 'application/json', JSON.stringify(value));

function streamEvents(deps: UiServerDeps, request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream', Connection: 'keep-alive' });
  const push = (topology: unknown): void => {
    response.write(`event: topology\ndata: ${JSON.stringify(topology)}\n\n`);
  };
  const unsubscribe = deps.live.subscribe(push);
  const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), 15_000);
  request.on('close', () => {
    unsubscribe();
    clearInterval(heartbeat);
  });
  deps.live.snapshot().then(push, (error: unknown) => response.destroy(error as Error));
}

async function route(deps: UiServerDeps, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://view.invalid');
  const file = deps.files.get(url.pathname);
  if (file) return send(response, 200, file.type, file.body);
  if (url.pathname === '/api/topology') return sendJson(response, 200, await deps.live.snapshot());
  if (url.pathname === '/api/events') return streamEvents(deps, request, response);
  const container = CONTAINER.exec(url.pathname)?.[1];
  if (container !== undefined) {
    const internal = new Set((await deps.live.snapshot()).networks.filter((network) => network.internal).map((network) => network.name));
    return sendJson(response, 200, containerDetails(await deps.api.get(`/containers/${encodeURIComponent(container)}/json`), internal));
  }
  if (url.pathname === '/api/trace') {
    const source = url.searchParams.get('src');
    const destination = url.searchParams.get('dst');
    if (!validTraceEnd(source) || !validTraceEnd(destination)) return sendJson(response, 400, { message: 'trace needs src and dst: container names or ids' });
    return sendJson(response, 200, await traceBetween(deps.api, source, destination));
  }
  sendJson(response, 404, { message: 'page not found' });
}

async function handle(deps: UiServerDeps, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const verdict = checkAccess({ host: request.headers.host, authorization: request.headers.authorization, cookie: request.headers.cookie, url: request.url ?? '/' }, deps.token, deps.hosts);
  if (verdict.kind === 'deny') return sendJson(response, verdict.status, { message: verdict.message });
  if (verdict.kind === 'login') return send(response, 302, 'text/plain', '', { Location: verdict.location, 'Set-Cookie': verdict.cookie });
  if (request.method !== 'GET' && request.method !== 'HEAD') return sendJson(response, 405, { message: 'the view is read-only' });
  try {
    await route(deps, request, response);
  } catch (error) {
    const { status, body } = toHttpError(error);
    if (status >= 500) deps.logger.warn('ui: request failed', { path: request.url, error: body.message });
    if (!response.headersSent) sendJson(response, status, body);
    else response.destroy();
  }
}

export function createUiServer(deps: UiServerDeps): Server {
  return createServer({ headersTimeout: 10_000, requestTimeout: 0, maxHeaderSize: 16 * 1024 }, (request, response) => {
    void handle(deps, request, response);
  });
}
