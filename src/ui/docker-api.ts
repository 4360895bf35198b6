/**
 * The few Docker API calls the view makes, over the daemon's own unix socket: the view talks to
 * the engine only through its HTTP API, as any other client does. JSON answers are bounded and
 * time-limited; the event stream is read line by line.
 */
import { request, type IncomingMessage } from 'node:http';
import { EngineError, unavailable } from '../errors/index.js';

const MAX_BYTES = 64 * 1024 * 1024;
/** API version asked for: 1.44+ shows DNSNames, 1.48 GwPriority. */
export const API_PREFIX = '/v1.50';

export interface DockerApi {
  /** GET a JSON answer; a non-2xx status is an EngineError with the daemon's message. */
  get(path: string, timeoutMs?: number): Promise<unknown>;
  /** GET a streaming answer; `onLine` gets each line; resolves when the stream ends. */
  stream(path: string, onLine: (line: string) => void, signal: AbortSignal): Promise<void>;
}

function statusError(status: number, body: string): EngineError {
  let message = body.trim();
  try {
    const decoded = JSON.parse(body) as { message?: unknown };
    if (typeof decoded.message === 'string') message = decoded.message;
  } catch {
    // A body that is not Docker's {"message"} shape is shown as it came.
  }
  const kind = status === 404 ? 'not-found' : status === 501 ? 'not-implemented' : status < 500 ? 'invalid' : 'unavailable';
  return new EngineError(kind, 'ui-api', message.slice(0, 500) || `status ${status}`);
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BYTES) response.destroy(new Error('answer too large'));
      else chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
  });
}

export function dockerApi(socketPath: string): DockerApi {
  const get = (path: string, timeoutMs = 10_000): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const req = request({ socketPath, path: `${API_PREFIX}${path}`, timeout: timeoutMs }, (response) => {
        readBody(response).then((body) => {
          const status = response.statusCode ?? 500;
          if (status < 200 || status > 299) return reject(statusError(status, body));
          try {
            resolve(JSON.parse(body) as unknown);
          } catch {
            // Not swallowed: the parse failure becomes this rejection, naming the path.
            reject(unavailable('ui-api', `the daemon answered ${path} with something that is not JSON`));
          }
        }, reject);
      });
      req.on('timeout', () => req.destroy(unavailable('ui-api', `the daemon did not answer ${path} within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end();
    });
  const stream = (path: string, onLine: (line: string) => void, signal: AbortSignal): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = request({ socketPath, path: `${API_PREFIX}${path}`, signal }, (response) => {
        let pending = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          pending += chunk;
          const lines = pending.split('\n');
          pending = lines.pop() ?? '';
          if (pending.length > MAX_BYTES) response.destroy();
          for (const line of lines) if (line.trim() !== '') onLine(line);
        });
        response.on('end', () => resolve());
        response.on('close', () => resolve());
        response.on('error', reject);
      });
      req.on('error', (error) => (signal.aborted ? resolve() : reject(error)));
      req.end();
    });
  return { get, stream };
}
