/**
 * One HTTP request to the daemon over its unix socket or TCP address, with a deadline and a
 * bounded answer. Non-2xx answers become DaemonResponseError with the body's message.
 */
import { request } from 'node:http';
import { DaemonResponseError, DaemonUnreachableError, errorBodyMessage } from './errors.js';
import { formatDaemonAddress, type DaemonAddress } from './host.js';

const MAX_BODY = 64 * 1024 * 1024;

export interface HttpAnswer {
  status: number;
  body: string;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  timeoutMs?: number;
}

export function sendRequest(address: DaemonAddress, path: string, options: RequestOptions = {}): Promise<HttpAnswer> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const target = address.kind === 'unix' ? { socketPath: address.socketPath } : { host: address.host, port: address.port };
  return new Promise((resolve, reject) => {
    const req = request({
      ...target,
      path,
      method: options.method ?? 'GET',
      headers: { Host: 'docker', ...(payload !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}) },
      timeout: options.timeoutMs ?? 30_000,
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY) req.destroy(new Error(`the daemon's answer to ${path} is over ${MAX_BODY} bytes`));
        else chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`the daemon did not answer ${path} within ${options.timeoutMs ?? 30_000} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) => {
      const unreachable = ['ENOENT', 'ECONNREFUSED', 'EACCES', 'ENOTFOUND', 'EHOSTUNREACH'].includes(error.code ?? '');
      reject(unreachable ? new DaemonUnreachableError(formatDaemonAddress(address), error) : error);
    });
    req.end(payload);
  });
}

/** A request whose answer must be 2xx JSON; returns it parsed (unknown: callers decode it). */
export async function requestJson(address: DaemonAddress, path: string, options: RequestOptions = {}): Promise<unknown> {
  const answer = await sendRequest(address, path, options);
  if (answer.status < 200 || answer.status > 299) throw new DaemonResponseError(answer.status, errorBodyMessage(answer.status, answer.body));
  if (answer.body.trim() === '') return undefined;
  return JSON.parse(answer.body) as unknown;
}
