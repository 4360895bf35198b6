/** GET /events over a real socket: replay, live streaming, `until`, filters and the 400s. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBus, nowNano } from '../../engine/events/event-bus.js';
import { Router } from '../router.js';
import { createApiServer, listenUnix } from '../server.js';
import { eventRoutes, eventTime } from './events.js';

interface Answer { status: number; lines: Array<Record<string, unknown>>; text: string }

function call(socketPath: string, path: string, onLine?: (line: Record<string, unknown>) => void): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const lines: Array<Record<string, unknown>> = [];
    let text = '';
    const req = request({ socketPath, path }, (response) => {
      response.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const parts = text.split('\n');
        text = parts.pop() ?? '';
        for (const part of parts) {
          const line = JSON.parse(part) as Record<string, unknown>;
          lines.push(line);
          onLine?.(line);
        }
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, lines, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function withServer(task: (socket: string, bus: EventBus) => Promise<void>): Promise<void> {
  const directory = await mkdtemp(join(tmpdir(), 'conet-events-'));
  const bus = new EventBus();
  const router = new Router();
  eventRoutes(router, bus);
  const server = createApiServer(router, { request: () => undefined, error: () => undefined });
  try {
    await listenUnix(server, join(directory, 'api.sock'));
    await task(join(directory, 'api.sock'), bus);
  } finally {
    server.closeAllConnections();
    server.close();
    await rm(directory, { recursive: true, force: true });
  }
}

const seconds = (nano: bigint): string => `${nano / 1_000_000_000n}.${String(nano % 1_000_000_000n).padStart(9, '0')}`;

test('a past until answers with the buffered events only, in Docker message shape', async () => {
  await withServer(async (socket, bus) => {
    const start = nowNano();
    bus.emit('container', 'create', { id: 'c1', attributes: { name: 'web', image: 'busybox' } });
    bus.emit('network', 'connect', { id: 'n1', attributes: { name: 'bridge', type: 'bridge', container: 'c1' } });
    const answer = await call(socket, `/v1.41/events?since=${seconds(start)}&until=${seconds(nowNano())}`);
    assert.equal(answer.status, 200);
    const [create, connect] = answer.lines;
    assert.deepEqual(create && { ...create, time: 0, timeNano: 0 }, {
      status: 'create', id: 'c1', from: 'busybox', Type: 'container', Action: 'create',
      Actor: { ID: 'c1', Attributes: { name: 'web', image: 'busybox' } }, scope: 'local', time: 0, timeNano: 0,
    });
    assert.equal(connect?.['Type'], 'network');
    assert.equal('status' in (connect ?? {}), false, 'network events carry no legacy fields');
    assert.equal(Number(create?.['time']), Math.floor(Number(start / 1_000_000n) / 1000));
  });
});

test('live events stream until `until` passes; filters apply to replay and live events', async () => {
  await withServer(async (socket, bus) => {
    bus.emit('container', 'create', { id: 'old', attributes: { name: 'old' } });
    const until = nowNano() + 600_000_000n;
    const filters = encodeURIComponent(JSON.stringify({ type: { container: true }, event: { start: true, die: true } }));
    const answer = call(socket, `/v1.41/events?since=0&until=${seconds(until)}&filters=${filters}`, (line) => {
      if (line['Action'] === 'start') bus.emit('container', 'die', { id: 'a', attributes: { exitCode: '0' } });
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    bus.emit('network', 'create', { id: 'n' });
    bus.emit('container', 'start', { id: 'a' });
    const { lines } = await answer;
    assert.deepEqual(lines.map((line) => line['Action']), ['start', 'die']);
    assert.ok(nowNano() >= until, 'the stream ended when until passed');
    assert.equal(bus.subscriberCount, 0);
  });
});

test('a client that leaves is unsubscribed', async () => {
  await withServer(async (socket, bus) => {
    const req = request({ socketPath: socket, path: '/v1.41/events' });
    req.end();
    await new Promise((resolve) => req.once('response', resolve));
    assert.equal(bus.subscriberCount, 1);
    req.destroy();
    for (let tries = 0; tries < 50 && bus.subscriberCount > 0; tries += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(bus.subscriberCount, 0);
  });
});

test('bad since/until and since after until are 400s', async () => {
  await withServer(async (socket) => {
    assert.equal((await call(socket, '/v1.41/events?since=yesterday').catch(() => ({ status: 0 }))).status, 400);
    assert.equal((await call(socket, '/v1.41/events?since=20&until=10').catch(() => ({ status: 0 }))).status, 400);
  });
  assert.equal(eventTime('12.5', 'since'), 12_500_000_000n);
  assert.equal(eventTime('', 'since'), undefined);
});

test('a client that stops reading is cut off once its queue is full; the daemon keeps no backlog for it', async () => {
  await withServer(async (socket, bus) => {
    let ended = false;
    const req = request({ socketPath: socket, path: '/v1.41/events' });
    req.on('error', () => undefined); // the daemon cuts the connection: expected here
    req.end();
    const response = await new Promise<import('node:http').IncomingMessage>((resolve) => req.once('response', resolve));
    response.pause(); // reads nothing from now on
    response.on('error', () => undefined); // aborted by the daemon: expected here
    response.socket.once('close', () => (ended = true));
    const padding = 'x'.repeat(2048);
    for (let round = 0; round < 40 && bus.subscriberCount > 0; round += 1) {
      for (let index = 0; index < 500; index += 1) bus.emit('container', 'exec_start: sh', { id: 'a', attributes: { padding } });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.equal(bus.subscriberCount, 0, 'the slow client was dropped');
    response.resume(); // what the kernel buffered is read, then the cut shows
    for (let tries = 0; tries < 100 && !ended; tries += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(ended, 'and its connection closed');
  });
});
