/**
 * The watchdog's sampler, run as its own process inside a container's network namespace
 * (`nsenter -t PID -n node latency-probe.js SOCKET NAME SAMPLES INTERVAL_MS`): it times `/_ping`
 * over the API socket and an A query for NAME to the embedded resolver at 127.0.0.11, each
 * SAMPLES times every INTERVAL_MS, and prints one JSON object {ping: [ms], dns: [ms]}. A sample
 * that gets no answer within 2 s counts as 2000. Its own event loop does nothing else, so the
 * numbers are the daemon's, not the test runner's.
 */
import { request } from 'node:http';
import packet from 'dns-packet';
import { udpExchange } from '../../src/dns/forwarder.js';

const GIVE_UP_MS = 2_000;

function pingOnce(socketPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: '/_ping', agent: false, timeout: GIVE_UP_MS }, (response) => {
      response.resume();
      response.once('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`status ${response.statusCode}`))));
    });
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', reject);
    req.end();
  });
}

async function dnsOnce(name: string, id: number): Promise<void> {
  const query = packet.encode({ type: 'query', id, flags: packet.RECURSION_DESIRED, questions: [{ type: 'A', name }] });
  const reply = packet.decode(await udpExchange(query, '127.0.0.11', GIVE_UP_MS));
  if (!(reply.answers ?? []).some((record) => record.type === 'A')) throw new Error(`no A record for ${name}`);
}

async function timed(probe: () => Promise<void>): Promise<number> {
  const started = performance.now();
  try {
    await probe();
    return performance.now() - started;
  } catch {
    // no answer (or a wrong one): the worst latency the watchdog can report
    return GIVE_UP_MS;
  }
}

async function sample(probe: (index: number) => Promise<void>, count: number, intervalMs: number): Promise<number[]> {
  const results: number[] = [];
  for (let index = 0; index < count; index++) {
    const next = new Promise((resolve) => setTimeout(resolve, intervalMs));
    results.push(Math.round(await timed(() => probe(index))));
    await next;
  }
  return results;
}

async function main(): Promise<void> {
  const [socketPath = '', name = '', count = '30', interval = '100'] = process.argv.slice(2);
  // Warm-up, not counted: this process's first request loads and compiles its own code.
  await Promise.all([timed(() => pingOnce(socketPath)), timed(() => dnsOnce(name, 999))]);
  const [ping, dns] = await Promise.all([
    sample(() => pingOnce(socketPath), Number(count), Number(interval)),
    sample((index) => dnsOnce(name, 1000 + index), Number(count), Number(interval)),
  ]);
  console.log(JSON.stringify({ ping, dns }));
}

main().catch((error: unknown) => {
  console.error(String(error));
  process.exit(1);
});
