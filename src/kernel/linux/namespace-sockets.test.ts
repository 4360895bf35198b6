import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bothArrived, namespaceSocketsArgv } from './namespace-sockets.js';

test('namespace sockets: nsenter into the namespace, then Node runs the child with address and port', () => {
  const argv = namespaceSocketsArgv('/run/netns/conet-d0-abc', '127.0.0.11', 40053, '/usr/bin/node');
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
