import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJson, sendJson } from './http.js';
import { MAX_BODY_BYTES, type ApiLimits } from './limits.js';
import { Router } from './router.js';
import { createApiServer, listenUnix } from './server.js';

const LIMITS: ApiLimits = { maxHeaderBytes: 4096, headersTimeoutMs: 300, keepAliveTimeoutMs: 200, bodyTimeoutMs: 300 };

async function withServer(fn: (socketPath: string) => Promise<void>): Promise<void> {
  const router = new Router()
    .add('POST', '/json', async ({ request, response }) => sendJson(response, 200, await readJson(request)))
    .add('GET', '/slow-answer', async ({ response }) => {
      await new Promise((resolve) => setTimeout(resolve, 3 * LIMITS.bodyTimeoutMs));
      sendJson(response, 200, { late: true });
    })
    .add('POST', '/upload', async ({ request, response }) => {
      let size = 0;
      for await (const chunk of request as AsyncIterable<Buffer>) size += chunk.length;
      sendJson(response, 200, { size });
    }, { streamsBody: true });
  router.addHijack('POST', '/hijack', async ({ socket, body }) => {
    socket.end(`got ${body}`);
  });
  const dir = await mkdtemp(join(tmpdir(), 'conet-limits-'));
  const server = createApiServer(router, { request: () => undefined, error: () => undefined }, LIMITS);
  try {
    await listenUnix(server, join(dir, 'api.sock'));
    await fn(join(dir, 'api.sock'));
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  }
}

/** Opens a connection, writes `first`, then `trickle` one byte every 50 ms; resolves with what came back once it closed. */
function converse(socketPath: string, first: string, trickle = ''): Promise<{ reply: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket: Socket = createConnection(socketPath);
    let reply = '';
    let at = 0;
    const timer = setInterval(() => {
      if (at < trickle.length && !socket.destroyed) socket.write(trickle[at++] ?? '');
    }, 50);
    socket.on('data', (data: Buffer) => (reply += data.toString('latin1')));
    socket.on('error', () => socket.destroy());
    socket.once('close', () => {
      clearInterval(timer);
      resolve({ reply, ms: performance.now() - started });
    });
    socket.write(first);
  });
}

test('a request head trickled a byte at a time, or never sent, is cut at the header deadline', async () => {
  await withServer(async (socketPath) => {
    const [loris, idle] = await Promise.all([
      converse(socketPath, 'GET /json HTTP/1.1\r\n', `Host: x\r\nX-Slow: ${'a'.repeat(200)}`),
      converse(socketPath, ''),
    ]);
    for (const { reply, ms } of [loris, idle]) {
      assert.match(reply, /^HTTP\/1\.1 408 /);
      assert.ok(ms < 5_000, `closed after ${Math.round(ms)} ms`);
    }
  });
});

test('an ordinary body that trickles is cut at the body deadline with a 408', async () => {
  await withServer(async (socketPath) => {
    const { reply, ms } = await converse(socketPath, 'POST /json HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n', '{"a":'.padEnd(100, ' '));
    assert.match(reply, /^HTTP\/1\.1 408 [^]*request body not received within 0.3 s/);
    assert.ok(ms < 3_000, `closed after ${Math.round(ms)} ms`);
  });
});

test('a body over the cap is refused before it is read, and the connection closes', async () => {
  await withServer(async (socketPath) => {
    const declared = await converse(socketPath, `POST /json HTTP/1.1\r\nHost: x\r\nContent-Length: ${MAX_BODY_BYTES + 1}\r\n\r\n{`);
    assert.match(declared.reply, /^HTTP\/1\.1 400 [^]*Connection: close[^]*request body too large: at most 4 MiB/);
    const upgrade = await converse(socketPath, `POST /hijack HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: ${1024 ** 3}\r\n\r\n{`);
    assert.match(upgrade.reply, /^HTTP\/1\.1 400 [^]*request body too large/);
    const header = await converse(socketPath, `GET /json HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(LIMITS.maxHeaderBytes)}\r\n\r\n`);
    assert.match(header.reply, /^HTTP\/1\.1 431 /);
  });
});

test('an upgrade body is due within the body deadline; one that arrives is the handler\'s', async () => {
  await withServer(async (socketPath) => {
    const slow = await converse(socketPath, 'POST /hijack HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 50\r\n\r\n', '{}'.padEnd(50, ' '));
    assert.match(slow.reply, /^HTTP\/1\.1 400 [^]*request body not received within 0.3 s/);
    const ok = await converse(socketPath, 'POST /hijack HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 2\r\n\r\n', '{}');
    assert.equal(ok.reply, 'got {}');
  });
});

test('uploads and slow answers are not cut: the deadlines are for request heads and ordinary bodies', async () => {
  await withServer(async (socketPath) => {
    const body = 'x'.repeat(20);
    const [upload, answer] = await Promise.all([
      converse(socketPath, `POST /upload HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: ${body.length}\r\n\r\n`, body),
      converse(socketPath, 'GET /slow-answer HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
    ]);
    assert.ok(upload.ms > 3 * LIMITS.bodyTimeoutMs, `the upload took ${Math.round(upload.ms)} ms`);
    assert.match(upload.reply, /^HTTP\/1\.1 200 [^]*\{"size":20\}/);
    assert.match(answer.reply, /^HTTP\/1\.1 200 [^]*\{"late":true\}/);
  });
});
