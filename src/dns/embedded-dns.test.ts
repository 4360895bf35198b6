import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import * as packet from 'dns-packet';
import type { NamespaceSocketPort, NamespaceSockets } from '../kernel/ports.js';
import type { Endpoint, Network } from '../model/network.js';
import { EmbeddedDns, isInNamespace, resolverTargetFor } from './embedded-dns.js';

const network = (name: string, driver: string, predefined = false): Network =>
  ({ id: `id-${name}`, name, driver, predefined, internal: false, options: {}, ipam: { driver: 'default', options: {}, configs: [] } }) as unknown as Network;
const endpoint = (gateway4: string): Endpoint => ({ gateway4 }) as Endpoint;

const bridge = { network: network('a', 'bridge'), endpoint: endpoint('172.18.0.1') };
const overlay = { network: network('ov', 'overlay'), endpoint: endpoint('10.0.1.1') };
const macvlan = { network: network('lan', 'macvlan'), endpoint: endpoint('10.201.0.2') };
const defaultBridge = { network: network('bridge', 'bridge', true), endpoint: endpoint('172.17.0.1') };

test('resolver target: the first bridge/overlay gateway, else 127.0.0.11 in the namespace for macvlan, else none', () => {
  assert.deepEqual(resolverTargetFor([bridge], 40053), { address: '172.18.0.1', port: 40053 });
  assert.deepEqual(resolverTargetFor([overlay], 40053), { address: '10.0.1.1', port: 40053 });
  // The LAN router is never the target: the host can't be reached through a macvlan.
  assert.deepEqual(resolverTargetFor([macvlan], 40053), { address: '127.0.0.11', port: 40053 });
  assert.deepEqual(resolverTargetFor([macvlan, bridge], 40053), { address: '172.18.0.1', port: 40053 }, 'a gateway path wins: no sockets in the namespace');
  assert.deepEqual(resolverTargetFor([defaultBridge, macvlan], 40053), { address: '127.0.0.11', port: 40053 });
  assert.equal(resolverTargetFor([defaultBridge], 40053), undefined);
  assert.equal(resolverTargetFor([macvlan], 0), undefined, 'not listening yet');
  assert.equal(resolverTargetFor([{ network: network('b', 'bridge'), endpoint: endpoint('') }], 40053), undefined, 'a bridge network without an IPv4 gateway');
  assert.equal(isInNamespace({ address: '127.0.0.11', port: 1 }), true);
  assert.equal(isInNamespace({ address: '172.18.0.1', port: 1 }), false);
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

function dnsWith(sockets: LoopbackSockets): EmbeddedDns {
  const lan = { ...network('lan', 'macvlan'), id: 'nlan' } as Network;
  const endpoints = [
    { containerId: 'web000000000aaaa', name: 'web', aliases: [], ipv4Address: '10.201.0.128/24', ipv6Address: '' },
    { containerId: 'cli000000000bbbb', name: 'cli', aliases: [], ipv4Address: '10.201.0.129/24', ipv6Address: '' },
  ] as unknown as Endpoint[];
  return new EmbeddedDns({ networks: () => [lan], endpointsOf: () => endpoints, container: () => undefined, namespaceSockets: sockets });
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

test('listeners in a container namespace answer as that container; detach and a gateway target close them', async () => {
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
    // A gateway target (connected to a bridge network): no listeners in the namespace any more.
    await dns.attach('cli000000000bbbb', '/run/netns/x', { address: '172.18.0.1', port: 40053 });
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
