/**
 * Reads a request body that a route refuses and throws away, so the client that is still sending
 * (the docker CLI streams a whole build context before it reads the answer) gets the refusal
 * instead of a broken pipe. Bounded: past `maxBytes` the reading stops and the connection closes
 * after the answer; the body deadline of limits.ts still holds.
 */
import type { IncomingMessage } from 'node:http';

/** Resolves with the bytes read once the body has ended, failed, or passed `maxBytes`. */
export function drainBody(request: IncomingMessage, maxBytes: number): Promise<number> {
  if (request.complete) return Promise.resolve(0);
  return new Promise((resolve) => {
    let read = 0;
    const finish = (): void => {
      request.off('data', onData);
      request.off('end', finish);
      request.off('error', finish);
      request.off('close', finish);
      if (read > maxBytes) request.pause();
      resolve(read);
    };
    const onData = (chunk: Buffer): void => {
      read += chunk.length;
      if (read > maxBytes) finish();
    };
    request.on('data', onData);
    request.once('end', finish);
    request.once('error', finish);
    request.once('close', finish);
  });
}
