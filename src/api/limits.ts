/**
 * Caps and deadlines of the API server (issue 10, item 3): a client can't hold the daemon with
 * a request head trickled a byte at a time, a body that never ends, a body larger than memory,
 * or connections left open. What may run for days is the answer, never the request: `attach`,
 * `logs -f`, `wait` and exec streams are responses or hijacked sockets, which none of these touch;
 * the one request that may be long is an image upload (`load`, `import`), streamed to the image
 * service with no deadline.
 */
export interface ApiLimits {
  /** Request line and headers together (Node answers 431 above it). */
  maxHeaderBytes: number;
  /** From the first byte of a request until its last header (Node answers 408 and closes). */
  headersTimeoutMs: number;
  /**
   * An idle keep-alive connection is closed after this. Longer than the idle timeout of the
   * clients that pool connections (Go's http.Transport, which the docker CLI, compose and the Go
   * SDK use, closes at 90 s), so the client always closes first: a server that closes first races
   * the client's next request on that connection, which then fails with EPIPE or ECONNRESET.
   */
  keepAliveTimeoutMs: number;
  /** A JSON (or unread) request body must have fully arrived this long after its head. */
  bodyTimeoutMs: number;
}

/** JSON request bodies, and the body sent before an upgrade (exec start); a larger one is a 400. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export const DEFAULT_LIMITS: Readonly<ApiLimits> = {
  maxHeaderBytes: 64 * 1024,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 120_000,
  bodyTimeoutMs: 30_000,
};

/** Checks a declared body length before a byte of it is read. */
export function declaredLengthFits(header: string | undefined): boolean {
  return header === undefined || Number(header) <= MAX_BODY_BYTES;
}
