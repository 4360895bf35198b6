/**
 * The resolver as fqdn-latency.ts measures it, run inside the benchmark's namespace
 * (`nsenter --net=… node fqdn-resolver-worker.js MODE PORT BASE`): the real DnsServer, answerQuery
 * and forwarder, forwarding to an upstream on 127.0.0.1:53 in this same process that answers every
 * A question with a new address (10.BASE.x.y, TTL 60), so each answer adds a new element. MODE
 * "policy": one FQDN rule (`*.allowed.test`) covers the client and the gate writes to the sets
 * `fqdn4_bench`/`fqdn6_bench` of `inet conet` through NftTimedSets; MODE "plain": no rule, the
 * same answers. Prints "ready" when it serves; stops on SIGTERM.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import * as packet from 'dns-packet';
import { answerQuery, DnsServer, FqdnGate, forwardQuery, type NameTable } from '../../src/dns/index.js';
import { NftTimedSets } from '../../src/kernel/linux/timed-sets.js';

const [mode = 'plain', portText = '5353', baseText = '1'] = process.argv.slice(2);
const CLIENT = 'bench0000001';
const TABLE: NameTable = { networks: [{ id: 'n', name: 'n', internal: false, endpoints: [{ containerId: CLIENT, name: 'bench', aliases: [], hostname: '', ipv4: '172.30.0.2', ipv6: '' }] }] };

function upstream(): Promise<void> {
  let next = 0;
  const base = Number(baseText) % 250;
  const udp = createSocket('udp4');
  udp.on('message', (message, remote) => {
    const query = packet.decode(message);
    next += 1;
    const data = `10.${base}.${Math.floor(next / 256) % 256}.${next % 256}`;
    const answers = (query.questions ?? []).filter((question) => question.type === 'A').map((question) => ({ type: 'A' as const, name: question.name, ttl: 60, data }));
    udp.send(packet.encode({ type: 'response', id: query.id ?? 0, flags: packet.RECURSION_AVAILABLE, questions: query.questions ?? [], answers }), remote.port, remote.address);
  });
  return new Promise((resolve) => udp.bind(53, '127.0.0.1', resolve));
}

async function main(): Promise<void> {
  await upstream();
  const sets = mode === 'policy' ? new NftTimedSets('inet', 'conet') : undefined;
  const gate = sets
    ? new FqdnGate({
        rules: { fqdnRulesFor: () => [{ policyId: 'bench', patterns: ['*.allowed.test'], set4: 'fqdn4_bench', set6: 'fqdn6_bench', nxdomain: false }] },
        sets,
        minTtlSeconds: 30,
        hostAddresses: () => new Set(['127.0.0.1']),
        onError: (error) => process.stderr.write(`fqdn: ${String(error)}\n`),
      })
    : undefined;
  const server = new DnsServer((query, client, transport) =>
    answerQuery(query, client, transport, {
      table: () => TABLE,
      upstreams: async () => ['127.0.0.1'],
      forward: (bytes, servers) => forwardQuery(bytes, servers),
      ...(gate ? { fqdn: (addresses: readonly string[]) => gate.forClient(addresses) } : {}),
    }),
  );
  const udp = createSocket('udp4');
  const tcp = createServer();
  await new Promise<void>((resolve) => udp.bind(Number(portText), '127.0.0.1', resolve));
  await new Promise<void>((resolve) => tcp.listen(Number(portText), '127.0.0.1', resolve));
  server.serveContainer(CLIENT, { udp, tcp });
  process.on('SIGTERM', () => {
    server.close();
    sets?.close();
    process.exit(0);
  });
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`worker: ${String(error)}\n`);
  process.exit(1);
});
