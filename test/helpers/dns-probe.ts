/**
 * A DNS client for the resolver's attack tests, run inside a container's network namespace
 * (`nsenter -t PID -n node dns-probe.js MODE ...`), so it uses the host's Node, not the image's:
 * - `resolve SERVER[:PORT] NAMES COUNT TIMEOUT_MS udp|tcp`: COUNT queries one after another, cycling
 *   through the comma-separated NAMES; prints {sent, answered, failures, maxMs} as JSON. A query
 *   counts as answered when it gets rcode 0 with an A record within TIMEOUT_MS.
 * - `trickle SERVER INTERVAL_MS byte|query MAX_MS`: one TCP connection to SERVER:53 that sends one
 *   byte of a query (byte), or a whole query (query), every INTERVAL_MS; prints {closedAfterMs}
 *   (null when still open after MAX_MS).
 * - `hold SERVER COUNT SETTLE_MS HOLD_MS`: opens COUNT TCP connections to SERVER:53, waits
 *   SETTLE_MS, prints {open, closed} (which ones the server closed), keeps the rest HOLD_MS, exits.
 */
import { connect, type Socket } from 'node:net';
import * as packet from 'dns-packet';
import { tcpExchange, udpExchange } from '../../src/dns/forwarder.js';
import { frame } from '../../src/dns/tcp-framing.js';

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function query(name: string, id: number): Buffer {
  return packet.encode({ type: 'query', id, flags: packet.RECURSION_DESIRED, questions: [{ type: 'A', name }] });
}

async function resolveMany(server: string, names: string[], count: number, timeoutMs: number, transport: string): Promise<void> {
  let answered = 0;
  let maxMs = 0;
  const failures: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const name = names[index % names.length] ?? 'web';
    const started = performance.now();
    try {
      const request = query(name, (index % 60_000) + 1);
      const [address = server, port = '53'] = server.split(':');
      const reply = transport === 'tcp' ? await tcpExchange(request, address, timeoutMs, Number(port)) : await udpExchange(request, address, timeoutMs, Number(port));
      const decoded = packet.decode(reply);
      const rcode = (decoded.flags ?? 0) & 0xf;
      if (rcode === 0 && (decoded.answers ?? []).some((record) => record.type === 'A')) answered += 1;
      else failures.push(`${name}: rcode ${rcode}`);
    } catch (error) {
      failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
    maxMs = Math.max(maxMs, performance.now() - started);
  }
  console.log(JSON.stringify({ sent: count, answered, failures: failures.slice(0, 10), maxMs: Math.round(maxMs) }));
}

function open(server: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: server, port: 53 }, () => resolve(socket));
    socket.once('error', reject);
  });
}

async function trickle(server: string, intervalMs: number, unit: string, maxMs: number): Promise<void> {
  const socket = await open(server);
  socket.on('error', () => undefined);
  socket.on('data', () => undefined);
  const started = performance.now();
  let closedAfterMs: number | null = null;
  socket.once('close', () => (closedAfterMs = Math.round(performance.now() - started)));
  const bytes = frame(query('web', 7));
  for (let sent = 0; closedAfterMs === null && performance.now() - started < maxMs; sent += 1) {
    socket.write(unit === 'byte' ? bytes.subarray(sent % bytes.length, (sent % bytes.length) + 1) : frame(query('web', sent + 1)));
    await delay(intervalMs);
  }
  socket.destroy();
  console.log(JSON.stringify({ closedAfterMs }));
}

async function hold(server: string, count: number, settleMs: number, holdMs: number): Promise<void> {
  const sockets: Socket[] = [];
  const closed = new Set<number>();
  for (let index = 0; index < count; index += 1) {
    const socket = await open(server);
    socket.on('error', () => undefined);
    socket.once('close', () => closed.add(index));
    sockets.push(socket);
  }
  await delay(settleMs);
  console.log(JSON.stringify({ open: count - closed.size, closed: [...closed].sort((a, b) => a - b) }));
  await delay(holdMs);
  for (const socket of sockets) socket.destroy();
}

const [mode, server = '127.0.0.11', ...rest] = process.argv.slice(2);
const numbers = rest.map(Number);
const work =
  mode === 'resolve' ? resolveMany(server, (rest[0] ?? 'web').split(','), numbers[1] ?? 1, numbers[2] ?? 2_000, rest[3] ?? 'udp')
  : mode === 'trickle' ? trickle(server, numbers[0] ?? 1_000, rest[1] ?? 'byte', numbers[2] ?? 20_000)
  : mode === 'hold' ? hold(server, numbers[0] ?? 17, numbers[1] ?? 1_000, numbers[2] ?? 10_000)
  : Promise.reject(new Error(`unknown mode ${mode ?? ''}`));
work.catch((error: unknown) => {
  console.error(String(error));
  process.exit(1);
});
