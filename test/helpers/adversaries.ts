/**
 * Requests that try to stall the daemon (issue 10, item 3), over raw connections to the API
 * socket: backtracking filter patterns, slow-loris headers, huge bodies, idle connections. Each
 * starts at once and runs until stop(); what it saw is kept for the test to check.
 */
import { request } from 'node:http';
import { createConnection, type Socket } from 'node:net';

export interface Adversary {
  readonly name: string;
  stop(): Promise<void>;
}

/** GET on the socket; resolves with status and latency, or status 0 after timeoutMs. */
export function timedGet(socketPath: string, path: string, timeoutMs = 5_000): Promise<{ status: number; ms: number; body: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request({ socketPath, path, agent: false, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('end', () => resolve({ status: response.statusCode ?? 0, ms: performance.now() - started, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', () => resolve({ status: 0, ms: performance.now() - started, body: '' }));
    req.end();
  });
}

/**
 * Parallel loops of network list requests with a catastrophic-backtracking name filter, each
 * request pauseMs after the answer to the last: under a backtracking engine one is enough to
 * freeze the daemon; paced, they test for stalls, not for how many requests a second it serves.
 */
export function regexFlood(socketPath: string, loops = 4, pauseMs = 20): Adversary & { statuses: number[] } {
  const statuses: number[] = [];
  let running = true;
  const path = `/v1.41/networks?filters=${encodeURIComponent(JSON.stringify({ name: { '^(a+)+z$': true } }))}`;
  const loop = async (): Promise<void> => {
    while (running) {
      statuses.push((await timedGet(socketPath, path, 3_000)).status);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  };
  const done = Promise.all(Array.from({ length: loops }, loop));
  return {
    name: 'regex filter',
    statuses,
    async stop() {
      running = false;
      await done;
    },
  };
}

function openSockets(socketPath: string, count: number): Socket[] {
  return Array.from({ length: count }, () => {
    const socket = createConnection(socketPath);
    socket.on('error', () => socket.destroy());
    socket.resume();
    return socket;
  });
}

/** Connections that send their request head one byte every intervalMs and never finish it. */
export function slowLoris(socketPath: string, count = 50, intervalMs = 100): Adversary & { closedAfterMs: number[] } {
  const head = `GET /v1.41/_ping HTTP/1.1\r\nHost: docker\r\nX-Trickle: ${'a'.repeat(100_000)}`;
  const started = performance.now();
  const closedAfterMs: number[] = [];
  const sockets = openSockets(socketPath, count);
  for (const socket of sockets) socket.once('close', () => closedAfterMs.push(performance.now() - started));
  let at = 0;
  const timer = setInterval(() => {
    const byte = head[at++ % head.length] ?? 'a';
    for (const socket of sockets) if (!socket.destroyed) socket.write(byte);
  }, intervalMs);
  return {
    name: 'slow loris',
    closedAfterMs,
    async stop() {
      clearInterval(timer);
      for (const socket of sockets) socket.destroy();
    },
  };
}

/** Connections that open and never send a byte. */
export function idleConnections(socketPath: string, count = 200): Adversary & { closed: () => number } {
  const sockets = openSockets(socketPath, count);
  return {
    name: 'idle connections',
    closed: () => sockets.filter((socket) => socket.destroyed || socket.readableEnded).length,
    async stop() {
      for (const socket of sockets) socket.destroy();
    },
  };
}

/**
 * A request head announcing `length` bytes of body, then zeros as fast as the daemon takes them
 * until it answers or closes. Resolves with the status line and reply the daemon sent ('' if
 * none) and how many bytes were written.
 */
export function hugeBody(socketPath: string, head: string, length: number): Adversary & { result: Promise<{ status: string; reply: string; sent: number }> } {
  const socket = createConnection(socketPath);
  const chunk = Buffer.alloc(256 * 1024);
  let sent = 0;
  let reply = '';
  let stopped = false;
  const result = new Promise<{ status: string; reply: string; sent: number }>((resolve) => {
    const finish = (): void => resolve({ status: reply.split('\r\n')[0] ?? '', reply, sent });
    socket.on('data', (data: Buffer) => (reply += data.toString('latin1')));
    socket.once('close', finish);
    socket.on('error', () => socket.destroy());
    const pump = (): void => {
      while (!stopped && !socket.destroyed && sent < length) {
        sent += chunk.length;
        if (!socket.write(chunk)) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    socket.once('connect', () => {
      socket.write(`${head}Content-Length: ${length}\r\n\r\n`);
      pump();
    });
  });
  return {
    name: 'huge body',
    result,
    async stop() {
      stopped = true;
      socket.destroy();
      await result;
    },
  };
}

/** Starts `start()` again every everyMs until stop(); keeps every attempt for the test to check. */
export function repeatedly<T extends Adversary>(name: string, everyMs: number, start: () => T): Adversary & { attempts: T[] } {
  const attempts: T[] = [start()];
  const timer = setInterval(() => attempts.push(start()), everyMs);
  return {
    name,
    attempts,
    async stop() {
      clearInterval(timer);
      await Promise.all(attempts.map((attempt) => attempt.stop()));
    },
  };
}
