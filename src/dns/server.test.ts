import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect, createServer, type Socket as TcpSocket } from 'node:net';
import { DNS_LIMITS } from './limits.js';
import { DnsServer, type ContainerSockets } from './server.js';

async function loopbackSockets(): Promise<ContainerSockets> {
  const udp = createSocket('udp4');
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
  const tcp = createServer();
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  return { udp, tcp };
}

const waitUntil = async (check: () => boolean): Promise<void> => {
  for (let attempt = 0; attempt < 400 && !check(); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(check());
};

test('server: oversized UDP queries are dropped unread; each query carries its container as the client', async () => {
  const seen: Array<{ client: string; bytes: number }> = [];
  const server = new DnsServer(async (query, client) => (seen.push({ client: client.containerId, bytes: query.length }), Buffer.from('answer')));
  const sockets = await loopbackSockets();
  server.serveContainer('c1', sockets);
  const client = createSocket('udp4');
  try {
    const port = sockets.udp.address().port;
    client.send(Buffer.alloc(DNS_LIMITS.maxQueryBytes + 1), port, '127.0.0.1');
    const answered = new Promise((resolve) => client.once('message', resolve));
    client.send(Buffer.alloc(40), port, '127.0.0.1');
    await answered;
    assert.deepEqual(seen, [{ client: 'c1', bytes: 40 }]);
  } finally {
    client.close();
    server.close();
  }
});

test('server: closing a container ends its open TCP connections and gives their slots back', async () => {
  const server = new DnsServer(async () => Buffer.from('answer'));
  const sockets = await loopbackSockets();
  server.serveContainer('c1', sockets);
  const port = (sockets.tcp.address() as { port: number }).port;
  const connection = await new Promise<TcpSocket>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
  });
  connection.on('error', () => undefined);
  try {
    await waitUntil(() => server.tcpConnections('c1') === 1);
    const closed = new Promise((resolve) => connection.once('close', resolve));
    server.closeContainer('c1');
    await closed;
    await waitUntil(() => server.tcpConnections() === 0);
    assert.equal(server.hasContainer('c1'), false);
    assert.equal(sockets.tcp.listening, false);
  } finally {
    connection.destroy();
    server.close();
  }
});
