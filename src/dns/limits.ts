/**
 * Every cap of the embedded resolver, in one place (issue 10, item 8).
 *
 * Design note. The resolver serves each container on sockets of its own (opened inside its
 * namespace), so it always knows which container asks; the caps are therefore per container
 * ("client") with a total above them, and one noisy container can't take the resolver from the
 * others:
 * - forwards: a query the name table can't answer costs an upstream exchange of up to 2 s per
 *   server (a socket and a timer meanwhile). At most FORWARDS_PER_CLIENT in flight per container
 *   and FORWARDS_TOTAL for the daemon; beyond that a query is answered SERVFAIL at once (cheap,
 *   and the client's stub retries or fails fast instead of waiting for its own timeout). Names
 *   of the asker's networks are answered from memory and never queue behind forwards.
 * - TCP: at most TCP_CONNECTIONS_PER_CLIENT open connections per container and
 *   TCP_CONNECTIONS_TOTAL for the daemon; the next one is accepted and closed at once. Every
 *   connection ends TCP_DEADLINE_MS after it opened, whatever it does, and after TCP_IDLE_MS
 *   without a complete query; a partial frame does not count as activity, so a one-byte trickle
 *   can't keep a connection alive.
 * - sizes: a query longer than MAX_QUERY_BYTES is dropped (UDP) or ends the connection (TCP,
 *   judged by the frame's length prefix, before the bytes arrive); answers waiting to be read
 *   by a TCP client that doesn't read are capped at MAX_TCP_BACKLOG_BYTES, then the connection
 *   ends. Upstream answers are bounded by DNS itself (64 KiB).
 */

export const FORWARDS_PER_CLIENT = 64;
export const FORWARDS_TOTAL = 1024;

export const TCP_CONNECTIONS_PER_CLIENT = 16;
export const TCP_CONNECTIONS_TOTAL = 256;
export const TCP_DEADLINE_MS = 10_000;
export const TCP_IDLE_MS = 5_000;

/** Queries are small (a name of at most 255 bytes, EDNS options); 4 KiB leaves ample room. */
export const MAX_QUERY_BYTES = 4_096;
export const MAX_TCP_BACKLOG_BYTES = 256 * 1024;

export interface DnsLimits {
  forwardsPerClient: number;
  forwardsTotal: number;
  tcpPerClient: number;
  tcpTotal: number;
  tcpDeadlineMs: number;
  tcpIdleMs: number;
  maxQueryBytes: number;
  maxTcpBacklogBytes: number;
}

export const DNS_LIMITS: DnsLimits = {
  forwardsPerClient: FORWARDS_PER_CLIENT,
  forwardsTotal: FORWARDS_TOTAL,
  tcpPerClient: TCP_CONNECTIONS_PER_CLIENT,
  tcpTotal: TCP_CONNECTIONS_TOTAL,
  tcpDeadlineMs: TCP_DEADLINE_MS,
  tcpIdleMs: TCP_IDLE_MS,
  maxQueryBytes: MAX_QUERY_BYTES,
  maxTcpBacklogBytes: MAX_TCP_BACKLOG_BYTES,
};
