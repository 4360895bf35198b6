/**
 * Docker's JSON progress stream (pull, push): the 200 and its headers go out with the first
 * message, so a failure before any event is still a plain status answer; a failure after it is an
 * `{"errorDetail":…}` line of the stream. The operation is aborted when the client goes before
 * the stream has finished.
 */
import type { ServerResponse } from 'node:http';
import { commonHeaders } from './http.js';
import { renderStreamError } from './render/pull-progress.js';

export type ProgressWrite = (message: Record<string, unknown>) => void;

export async function streamProgress(response: ServerResponse, operation: (write: ProgressWrite, signal: AbortSignal) => Promise<unknown>): Promise<void> {
  const gone = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) gone.abort();
  });
  let started = false;
  const write: ProgressWrite = (message) => {
    if (!started) {
      response.writeHead(200, { ...commonHeaders(), 'Content-Type': 'application/json' });
      started = true;
    }
    if (!response.destroyed) response.write(`${JSON.stringify(message)}\r\n`);
  };
  try {
    await operation(write, gone.signal);
  } catch (error) {
    if (!started) throw error;
    write(renderStreamError(error instanceof Error ? error.message : String(error)));
  }
  response.end();
}
