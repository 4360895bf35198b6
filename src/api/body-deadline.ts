/**
 * An ordinary request's body has a deadline (limits.ts): a client that sends its head and then
 * trickles the body, or never sends the length it announced, gets a 408 and its connection closed,
 * whether or not the route reads the body. Upload routes (image load and import) are exempt.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './http.js';

/** Arms the deadline; the function returned disarms it (for an upload route). */
export function armBodyDeadline(request: IncomingMessage, response: ServerResponse, timeoutMs: number): () => void {
  if (request.complete) return () => undefined;
  const timer = setTimeout(() => {
    if (request.complete) return;
    if (response.headersSent) {
      request.socket.destroy();
      return;
    }
    response.setHeader('Connection', 'close');
    sendJson(response, 408, { message: `request body not received within ${timeoutMs / 1000} s` });
  }, timeoutMs);
  timer.unref();
  request.once('close', () => clearTimeout(timer));
  return () => clearTimeout(timer);
}
