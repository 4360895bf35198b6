/**
 * Connections Node's HTTP server gives up on (a head past its deadline or its size cap, a head
 * that doesn't parse): answered and closed a few per turn of the event loop instead of all in
 * the one sweep where Node finds them. A thousand slow-loris connections opened together expire
 * together, and closing them in one go held the loop for tens of milliseconds: the API and the
 * embedded DNS in between.
 */
import type { Socket } from 'node:net';

const PER_TURN = 16;
const FLUSH_MS = 1_000;

/** The answer Node itself writes for each client error (http_server's socketOnError). */
function statusLine(error: Error & { code?: string }): string | undefined {
  switch (error.code) {
    case 'ECONNRESET':
      return undefined;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return '408 Request Timeout';
    case 'HPE_HEADER_OVERFLOW':
      return '431 Request Header Fields Too Large';
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return '413 Payload Too Large';
    default:
      return '400 Bad Request';
  }
}

export class PacedCloser {
  private readonly queue: Array<{ socket: Socket; status: string | undefined }> = [];

  /** For the server's 'clientError' event. */
  readonly onClientError = (error: Error, socket: Socket): void => {
    this.queue.push({ socket, status: statusLine(error) });
    if (this.queue.length === 1) setImmediate(this.drain);
  };

  private readonly drain = (): void => {
    for (const { socket, status } of this.queue.splice(0, PER_TURN)) {
      // As Node does: an answer only if nothing was written yet, then close. The close waits for
      // the answer to be flushed (a destroy right after the write could drop it under load), for
      // at most FLUSH_MS so a peer that doesn't read can't keep the socket.
      if (status && socket.writable && socket.bytesWritten === 0) {
        const timer = setTimeout(() => socket.destroy(), FLUSH_MS);
        timer.unref();
        socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`, () => {
          clearTimeout(timer);
          socket.destroy();
        });
      } else {
        socket.destroy();
      }
    }
    if (this.queue.length > 0) setImmediate(this.drain);
  };
}
