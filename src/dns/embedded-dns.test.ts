import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import * as packet from 'dns-packet';
import type { NamespaceSocketPort, NamespaceSockets } from '../kernel/ports.js';
import type { Endpoint, Network } from '../model/network.js';
import { EmbeddedDns, resolverTargetFor, type EmbeddedDnsDeps } from './embedded-dns.js';
import { connect, type Socket as TcpSocket } from 'node:net';
import { DNS_LIMITS } from './limits.js';

const network = (name: string, driver: string, predefined = false): Network =>
  ({ id: `id-${name}`, name, driver, predefined, internal: false, options: {}, ipam: { driver: 'default', options: {}, configs: [] } }) as unknown as Network;
const endpoint = (gateway4: string): Endpoint => ({ gateway4 }) as Endpoint;

const bridge = { network: network('a', 'bridge'), endpoint: endpoint('172.18.0.1') };
const overlay = { network: network('ov', 'overlay'), endpoint: endpoint('10.0.1.1') };
const macvlan = { network: network('lan', 'macvlan'), endpoint: endpoint('10.201.0.2') };
const defaultBridge = { network: network('bridge', 'bridge', true), endpoint: endpoint('172.17.0.1') };

test('resolver target: 127.0.0.11:PORT in the namespace for any network with embedded DNS, else none', () => {
  const inside = { address: '127.0.0.11', port: 40053 };
  assert.deepEqual(resolverTargetFor([bridge], 40053), inside, 'bridge networks too: nothing listens in the daemon namespace');
  assert.deepEqual(resolverTargetFor([overlay], 40053), inside);
  assert.deepEqual(resolverTargetFor([macvlan], 40053), inside);
  assert.deepEqual(resolverTargetFor([defaultBridge, macvlan], 40053), inside);
  assert.equal(resolverTargetFor([defaultBridge], 40053), undefined);
  assert.equal(resolverTargetFor([], 40053), undefined);
  assert.equal(resolverTargetFor([macvlan], 0), undefined, 'no port');
});

test('the in-namespace port is chosen once per daemon run, in the ephemeral range', () => {
  const dns = new EmbeddedDns({ networks: () => [], endpointsOf: () => [], container: () => undefined });
  assert.ok(dns.port >= 32_768 && dns.port <= 60_999, String(dns.port));
  assert.equal(dns.targetFor([bridge])?.port, dns.port);
});

/** Stand-in for the kernel: real listeners on 127.0.0.1 (where a test can reach them), opened when asked. */
class LoopbackSockets implements NamespaceSocketPort {
  readonly opened: NamespaceSockets[] = [];
  gate: Promise<void> = Promise.resolve();

  async listen(): Promise<NamespaceSockets> {
    await this.gate;
    const udp = createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    const tcp = createServer();
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const sockets = { udp, tcp };
    this.opened.push(sockets);
    return sockets;
  }
}

function dnsWith(sockets: LoopbackSockets, forward?: EmbeddedDnsDeps['forward']): EmbeddedDns {
  const lan = { ...network('lan', 'macvlan'), id: 'nlan' } as Network;
  const endpoints = [
    { containerId: 'web000000000aaaa', name: 'web', aliases: [], ipv4Address: '10.201.0.128/24', ipv6Address: '' },
    { containerId: 'cli000000000bbbb', name: 'cli', aliases: [], ipv4Address: '10.201.0.129/24', ipv6Address: '' },
  ] as unknown as Endpoint[];
  return new EmbeddedDns({ networks: () => [lan], endpointsOf: () => endpoints, container: () => undefined, namespaceSockets: sockets, port: 40053, resolvConfPath: '/nonexistent', ...(forward ? { forward } : {}) });
}

async function askOver(udpPort: number, name: string): Promise<string[]> {
  const client = createSocket('udp4');
  try {
    const answer = await new Promise<Buffer>((resolve, reject) => {
      client.once('message', resolve);
      client.once('error', reject);
      client.send(packet.encode({ type: 'query', id: 1, questions: [{ type: 'A', name }] }), udpPort, '127.0.0.1');
    });
    return (packet.decode(answer).answers ?? []).map((record) => String((record as { data?: unknown }).data));
  } finally {
    client.close();
  }
}

const IN_NAMESPACE = { address: '127.0.0.11', port: 40053 };

test('listeners in a container namespace answer as that container; attach again and detach close them', async () => {
  const sockets = new LoopbackSockets();
  const dns = dnsWith(sockets);
  try {
    await dns.attach('cli000000000bbbb', '/run/netns/x', IN_NAMESPACE);
    const first = sockets.opened[0];
    assert.ok(first);
    assert.deepEqual(await askOver((first.udp.address()).port, 'web'), ['10.201.0.128'], 'the source is 127.0.0.1: the socket says who asks');
    // Attached again (a connect): the new listeners replace the old ones.
    await dns.attach('cli000000000bbbb', '/run/netns/x', IN_NAMESPACE);
    assert.equal(first.tcp.listening, false);
    dns.detach('cli000000000bbbb');
    assert.equal(sockets.opened[1]?.tcp.listening, false);
    await dns.attach('web000000000aaaa', '/run/netns/y', IN_NAMESPACE);
    dns.detach('web000000000aaaa');
    assert.equal(sockets.opened[2]?.tcp.listening, false);
  } finally {
    dns.close();
  }
});

test('a container that goes while its listeners are being opened does not keep them (nor its namespace)', async () => {
  const sockets = new LoopbackSockets();
  let open!: () => void;
  sockets.gate = new Promise<void>((resolve) => (open = resolve));
  const dns = dnsWith(sockets);
  try {
    const attaching = dns.attach('web000000000aaaa', '/run/netns/y', IN_NAMESPACE);
    dns.detach('web000000000aaaa');
    open();
    await attaching;
    assert.equal(sockets.opened[0]?.tcp.listening, false);
  } finally {
    dns.close();
  }
});

async function askAnswer(udpPort: number, name: string, id: number): Promise<number> {
  const client = createSocket('udp4');
  try {
    const answer = await new Promise<Buffer>((resolve, reject) => {
      client.once('message', resolve);
      client.once('error', reject);
      client.send(packet.encode({ type: 'query', id, questions: [{ type: 'A', name }] }), udpPort, '127.0.0.1');
    });
    return (packet.decode(answer).flags ?? 0) & 0xf;
  } finally {
    client.close();
  }
}

test('forwards: at most 64 in flight per container; the 65th is SERVFAIL at once, other containers still forward', async () => {
  const sockets = new LoopbackSockets();
  const held: Array<() => void> = [];
  // An upstream that never answers until told to: every forward stays in flight.
  const dns = dnsWith(sockets, (query) => new Promise((resolve) => held.push(() => resolve(query))));
  try {
    await dns.attach('cli000000000bbbb', '/run/netns/x', IN_NAMESPACE);
    await dns.attach('web000000000aaaa', '/run/netns/y', IN_NAMESPACE);
    const [noisy, quiet] = sockets.opened.map((opened) => opened.udp.address().port);
    const stuck = Array.from({ length: DNS_LIMITS.forwardsPerClient }, (_, index) => askAnswer(noisy ?? 0, `n${index}.example.com`, index + 1));
    stuck.forEach((promise) => promise.catch(() => undefined));
    while (dns.forwardsInFlight('cli000000000bbbb') < DNS_LIMITS.forwardsPerClient) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(await askAnswer(noisy ?? 0, 'one-more.example.com', 999), 2, 'SERVFAIL');
    assert.deepEqual(await askOver(noisy ?? 0, 'web'), ['10.201.0.128'], 'names are still answered');
    const quietAnswer = askAnswer(quiet ?? 0, 'other.example.com', 1000);
    while (dns.forwardsInFlight('web000000000aaaa') < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(dns.forwardsInFlight(), DNS_LIMITS.forwardsPerClient + 1);
    for (const release of held) release();
    assert.equal(await quietAnswer, 0);
    await Promise.all(stuck);
    assert.equal(dns.forwardsInFlight(), 0);
  } finally {
    for (const release of held) release();
    dns.close();
  }
});

function openConnection(port: number): Promise<TcpSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

const closed = (socket: TcpSocket): Promise<void> => new Promise((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));

test('TCP: at most 16 connections per container; the 17th is closed, another container still connects', async () => {
  const sockets = new LoopbackSockets();
  const dns = dnsWith(sockets);
  const open: TcpSocket[] = [];
  try {
    await dns.attach('cli000000000bbbb', '/run/netns/x', IN_NAMESPACE);
    await dns.attach('web000000000aaaa', '/run/netns/y', IN_NAMESPACE);
    const [noisy, quiet] = sockets.opened.map((opened) => (opened.tcp.address() as { port: number }).port);
    for (let index = 0; index < DNS_LIMITS.tcpPerClient; index += 1) open.push(await openConnection(noisy ?? 0));
    const extra = await openConnection(noisy ?? 0);
    open.push(extra);
    extra.on('error', () => undefined);
    await closed(extra);
    const other = await openConnection(quiet ?? 0);
    open.push(other);
    const query = packet.encode({ type: 'query', id: 5, questions: [{ type: 'A', name: 'cli' }] });
    const length = Buffer.alloc(2);
    length.writeUInt16BE(query.length);
    const answer = new Promise<Buffer>((resolve) => other.once('data', resolve));
    other.write(Buffer.concat([length, query]));
    assert.ok((await answer).length > 2, 'another container is answered over TCP');
    assert.equal(dns.forwardsInFlight(), 0);
  } finally {
    for (const socket of open) socket.destroy();
    dns.close();
  }
});
