import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { drainBody } from './drain.js';

/** A server that drains with `max`, then answers with how much it read. */
async function withServer(max: number, work: (port: number) => Promise<void>): Promise<void> {
  const server = createServer((req, res) => {
    void drainBody(req, max).then((read) => {
      if (!req.complete) res.setHeader('Connection', 'close');
      res.writeHead(501, { 'Content-Type': 'application/json' }).end(JSON.stringify({ read }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await work((server.address() as AddressInfo).port);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** Streams `total` bytes in 64 KiB chunks, reading the answer only once all were written. */
function post(port: number, total: number): Promise<{ status: number; body: string; error?: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/build', headers: { 'Content-Length': total } });
    req.on('response', (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on('error', (error) => resolve({ status: 0, body: '', error: error.message }));
    const chunk = Buffer.alloc(64 * 1024);
    let sent = 0;
    const pump = (): void => {
      while (sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

test('a refused body under the cap is read to its end, so the sender gets the answer', async () => {
  await withServer(8 * 1024 * 1024, async (port) => {
    const reply = await post(port, 4 * 1024 * 1024);
    assert.equal(reply.status, 501, reply.error);
    assert.deepEqual(JSON.parse(reply.body), { read: 4 * 1024 * 1024 });
  });
});

test('past the cap the reading stops: the answer comes early and the rest is not read', async () => {
  await withServer(256 * 1024, async (port) => {
    const reply = await post(port, 64 * 1024 * 1024);
    // The sender may see the answer or a reset, but the server stopped shortly after the cap.
    if (reply.status === 501) assert.ok((JSON.parse(reply.body) as { read: number }).read < 4 * 1024 * 1024, reply.body);
    else assert.match(reply.error ?? '', /EPIPE|ECONNRESET/);
  });
});
