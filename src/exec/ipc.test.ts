import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:net';
import { connect } from 'node:net';
import { ExecError } from './run.js';
import { exchangeWithChild } from './ipc.js';

const node = process.execPath;

test('exchangeWithChild: a handle the child opened arrives and works after the child exited', async () => {
  const child = `
    const server = require('node:net').createServer((socket) => socket.end('hello'));
    server.listen(0, '127.0.0.1', () => {
      process.once('message', () => process.exit(0));
      process.send({ kind: 'tcp', port: server.address().port }, server);
    });`;
  const received = await exchangeWithChild([node, '-e', child], { done: (message) => (message as { kind?: string }).kind === 'tcp', reply: 'ok' });
  assert.equal(received.length, 1);
  const server = received[0]?.handle as Server;
  server.on('connection', (socket) => socket.end('from the parent'));
  try {
    const port = (received[0]?.message as { port: number }).port;
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let data = '';
      socket.on('data', (chunk) => (data += String(chunk)));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    assert.equal(text, 'from the parent');
  } finally {
    server.close();
  }
});

test('exchangeWithChild: a child that exits before completing, fails or hangs is a typed error', async () => {
  const early = await exchangeWithChild([node, '-e', 'process.exit(0)'], { done: () => true }).catch((error: unknown) => error);
  assert.ok(early instanceof ExecError && early.failure === 'exit', String(early));
  const failing = await exchangeWithChild([node, '-e', 'console.error("cannot bind"); process.exit(3)'], { done: () => true }).catch((error: unknown) => error);
  assert.ok(failing instanceof ExecError && failing.code === 3 && /cannot bind/.test(failing.stderr), String(failing));
  const hanging = await exchangeWithChild([node, '-e', 'setInterval(() => {}, 1000)'], { done: () => true, timeoutMs: 300 }).catch((error: unknown) => error);
  assert.ok(hanging instanceof ExecError && hanging.failure === 'timeout', String(hanging));
  const missing = await exchangeWithChild(['/nonexistent/conet-no-such-binary'], { done: () => true }).catch((error: unknown) => error);
  assert.ok(missing instanceof ExecError && missing.failure === 'spawn', String(missing));
});
