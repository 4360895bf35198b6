import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { bothArrived, LinuxNamespaceSockets, NATIVE_HELPER, namespaceSocketsArgv } from './namespace-sockets.js';

test('namespace sockets: the C helper takes the namespace, address and port', () => {
  assert.deepEqual(namespaceSocketsArgv('/run/netns/conet-d0-abc', '127.0.0.11', 40053, { helper: '/opt/conet/dist/conet-netns-sockets' }), ['/opt/conet/dist/conet-netns-sockets', '/run/netns/conet-d0-abc', '127.0.0.11', '40053']);
});

test('namespace sockets without the helper: nsenter into the namespace, then Node runs the child with address and port', () => {
  const argv = namespaceSocketsArgv('/run/netns/conet-d0-abc', '127.0.0.11', 40053, { node: '/usr/bin/node' });
  assert.deepEqual(argv.slice(0, 4), ['nsenter', '--net=/run/netns/conet-d0-abc', '--', '/usr/bin/node']);
  assert.match(argv[4] ?? '', /namespace-sockets-child\.js$/);
  assert.deepEqual(argv.slice(5), ['127.0.0.11', '40053']);
});

test('namespace sockets: the exchange completes once both handles arrived', () => {
  assert.equal(bothArrived([]), false);
  assert.equal(bothArrived([{ message: { kind: 'udp' }, handle: {} }]), false);
  assert.equal(bothArrived([{ message: { kind: 'udp' }, handle: {} }, { message: { kind: 'tcp' } }]), false, 'a message without its handle does not count');
  assert.equal(bothArrived([{ message: { kind: 'tcp' }, handle: {} }, { message: { kind: 'udp' }, handle: {} }]), true);
});

test('namespace sockets: the C helper hands over a working dgram.Socket and net.Server (Node\'s handle format)', { skip: process.getuid?.() !== 0 || !existsSync(NATIVE_HELPER) ? 'needs root and the built helper' : false }, async () => {
  const port = 20_000 + Math.floor(Math.random() * 10_000);
  // The daemon's own namespace stands in for a container's: the format is what is tested.
  const { udp, tcp } = await new LinuxNamespaceSockets().listen('/proc/self/ns/net', '127.0.0.1', port);
  try {
    assert.deepEqual(udp.address(), { address: '127.0.0.1', family: 'IPv4', port });
    assert.deepEqual(tcp.address(), { address: '127.0.0.1', family: 'IPv4', port });
    udp.on('message', (message, remote) => udp.send(Buffer.concat([Buffer.from('re:'), message]), remote.port, remote.address));
    tcp.on('connection', (socket) => socket.end('hello'));
    const client = createSocket('udp4');
    const echoed = await new Promise<string>((resolve) => {
      client.once('message', (message) => resolve(message.toString()));
      client.send('ping', port, '127.0.0.1');
    });
    client.close();
    assert.equal(echoed, 're:ping');
    const greeting = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('data', (data) => resolve(data.toString()));
      socket.once('error', reject);
    });
    assert.equal(greeting, 'hello');
  } finally {
    udp.close();
    tcp.close();
  }
});
