import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { PacedCloser } from './client-errors.js';

function fakeSocket(): Socket & { written: string[] } {
  const fake = { writable: true, bytesWritten: 0, written: [] as string[], destroyed: false };
  return Object.assign(fake, {
    write(text: string) {
      fake.written.push(text);
      return true;
    },
    end(text: string, flushed: () => void) {
      fake.written.push(text);
      flushed();
    },
    destroy() {
      fake.destroyed = true;
    },
  }) as unknown as Socket & { written: string[] };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('client errors are answered as Node does and closed a few per turn of the event loop', async () => {
  const closer = new PacedCloser();
  const timeout = Object.assign(new Error('timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' });
  const sockets = Array.from({ length: 100 }, () => fakeSocket());
  for (const socket of sockets) closer.onClientError(timeout, socket);
  assert.equal(sockets.filter((socket) => socket.destroyed).length, 0, 'nothing closed inside the sweep');
  await turn();
  const afterOne = sockets.filter((socket) => socket.destroyed).length;
  assert.ok(afterOne > 0 && afterOne <= 16, `${afterOne} closed in the first turn`);
  for (let index = 0; index < 10; index++) await turn();
  assert.ok(sockets.every((socket) => socket.destroyed && socket.written[0] === 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n'));

  const overflow = fakeSocket();
  const reset = fakeSocket();
  closer.onClientError(Object.assign(new Error('big'), { code: 'HPE_HEADER_OVERFLOW' }), overflow);
  closer.onClientError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }), reset);
  await turn();
  assert.match(overflow.written[0] ?? '', /^HTTP\/1\.1 431 /);
  assert.deepEqual(reset.written, []);
  assert.ok(reset.destroyed);
});
