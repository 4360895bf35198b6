/**
 * Processes for the FQDN resolver test (test/kernel/fqdn-resolver.test.ts), each run inside a
 * namespace the test made (`nsenter --net=PATH node fqdn-harness.js MODE JSON`); each prints
 * "ready" once it serves:
 *   upstream {"records": {"allowed.test": ["10.0.0.2", ttl]}}  a DNS server on 0.0.0.0:53 (UDP)
 *     answering A questions from the table, NXDOMAIN for the rest;
 *   http {"address": "10.0.0.2", "body": "allowed"}  an HTTP server on ADDRESS:80;
 *   resolver {...}  conet's resolver (DnsServer, answerQuery, forwardQuery) on LISTEN:53 with an
 *     FqdnGate whose one rule covers every client, writing to `inet conet` sets fqdn4_p1/fqdn6_p1
 *     through NftTimedSets, the namespace's own addresses read by LinuxLinks for the rebinding
 *     guard. The client is whoever asks on that socket.
 */
import { createSocket } from 'node:dgram';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import * as packet from 'dns-packet';
import { answerQuery, DnsServer, FqdnGate, forwardQuery, HostAddresses, type NameTable } from '../../src/dns/index.js';
import { LinuxLinks } from '../../src/kernel/linux/links.js';
import { NftTimedSets } from '../../src/kernel/linux/timed-sets.js';

interface ResolverOptions {
  listen: string;
  upstream: string;
  clientAddress: string;
  minTtl: number;
  patterns: string[];
  nxdomain: boolean;
}

function upstream(options: { records: Record<string, [string, number]> }): void {
  const udp = createSocket('udp4');
  udp.on('message', (message, remote) => {
    const query = packet.decode(message);
    const question = query.questions?.[0];
    const record = question ? options.records[question.name.toLowerCase()] : undefined;
    const answers = record && question?.type === 'A' ? [{ type: 'A' as const, name: question.name, ttl: record[1], data: record[0] }] : [];
    const rcode = record ? 0 : 3;
    udp.send(packet.encode({ type: 'response', id: query.id ?? 0, flags: packet.RECURSION_AVAILABLE | rcode, questions: query.questions ?? [], answers }), remote.port, remote.address);
  });
  udp.bind(53, '0.0.0.0', () => console.log('ready'));
}

function http(options: { address: string; body: string }): void {
  createHttpServer((_request, response) => response.end(`${options.body}\n`)).listen(80, options.address, () => console.log('ready'));
}

async function resolver(options: ResolverOptions): Promise<void> {
  const links = new LinuxLinks();
  const host = new HostAddresses(async () => (await links.listAddresses()).map((address) => address.address));
  await host.refresh();
  const gate = new FqdnGate({
    rules: { fqdnRulesFor: (address) => (address === options.clientAddress ? [{ policyId: 'p1', patterns: options.patterns, set4: 'fqdn4_p1', set6: 'fqdn6_p1', nxdomain: options.nxdomain }] : []) },
    sets: new NftTimedSets('inet', 'conet'),
    minTtlSeconds: options.minTtl,
    hostAddresses: () => host.addresses(),
    onError: (error) => console.error(`fqdn: ${String(error)}`),
  });
  const table: NameTable = { networks: [{ id: 'n', name: 'n', internal: false, endpoints: [{ containerId: 'client', name: 'client', aliases: [], hostname: '', ipv4: options.clientAddress, ipv6: '' }] }] };
  const server = new DnsServer((query, client, transport) =>
    answerQuery(query, client, transport, {
      table: () => table,
      upstreams: async () => [options.upstream],
      forward: (bytes, servers) => forwardQuery(bytes, servers, { timeoutMs: 1_000 }),
      fqdn: (addresses) => gate.forClient(addresses),
    }),
  );
  const udp = createSocket('udp4');
  const tcp = createServer();
  await new Promise<void>((resolve) => udp.bind(53, options.listen, resolve));
  await new Promise<void>((resolve) => tcp.listen(53, options.listen, resolve));
  server.serveContainer('client', { udp, tcp });
  console.log('ready');
}

const [mode, json = '{}'] = process.argv.slice(2);
const options = JSON.parse(json) as never;
if (mode === 'upstream') upstream(options);
else if (mode === 'http') http(options);
else if (mode === 'resolver') {
  resolver(options).catch((error: unknown) => {
    console.error(String(error));
    process.exit(1);
  });
}
