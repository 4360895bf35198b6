import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalid, toHttpError, type EngineError } from '../errors/index.js';
import { declaredLengthFits, MAX_BODY_BYTES } from './limits.js';
import { API_VERSION, ENGINE_VERSION } from './version.js';

export function commonHeaders(): Record<string, string> {
  return {
    'Api-Version': API_VERSION,
    'Docker-Experimental': 'false',
    Ostype: 'linux',
    Server: `Docker/${ENGINE_VERSION} (linux)`,
  };
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body) + '\n';
  response.writeHead(status, {
    ...commonHeaders(),
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}

export function sendEmpty(response: ServerResponse, status: number): void {
  response.writeHead(status, status === 204 || status === 304 ? commonHeaders() : { ...commonHeaders(), 'Content-Length': 0 });
  response.end();
}

export function sendError(response: ServerResponse, error: unknown): void {
  const { status, body } = toHttpError(error);
  if (response.headersSent) {
    response.destroy();
    return;
  }
  sendJson(response, status, body);
}

export function bodyTooLarge(): EngineError {
  return invalid('request-too-large', `request body too large: at most ${MAX_BODY_BYTES / (1024 * 1024)} MiB`);
}

/** A whole body up to MAX_BODY_BYTES; a larger one is refused before it is read, or as it passes the cap. */
export async function readBody(request: IncomingMessage): Promise<string> {
  if (!declaredLengthFits(request.headers['content-length'])) throw bodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw bodyTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** JSON body; an empty body is an error unless the route allows it. */
export async function readJson(request: IncomingMessage, options: { optional?: boolean } = {}): Promise<unknown> {
  const text = await readBody(request);
  if (text.trim() === '') {
    if (options.optional) return undefined;
    throw invalid('request-body', 'request body is empty: expected JSON');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw invalid('request-json', `invalid JSON in request body: ${(error as Error).message}`);
  }
}
