import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContainerWaiters, waitFor } from './waiters.js';

test('waiters whose client left are dropped at once: 200 aborted waits leave none', async () => {
  const waiters = new ContainerWaiters();
  const running = { id: 'c1', state: { status: 'running', exitCode: 0 } };
  const clients = Array.from({ length: 200 }, () => new AbortController());
  clients.forEach((client, index) => void waitFor(waiters, running, index % 2 ? 'removed' : 'next-exit', client.signal));
  assert.equal(waiters.count(), 200);
  for (const client of clients) client.abort();
  assert.equal(waiters.count(), 0);
  const stays = waiters.nextExit('c1');
  assert.equal(waiters.count(), 1);
  waiters.exited('c1', 7);
  assert.equal(await stays, 7);
  assert.equal(waiters.count(), 0);
});

test('an already aborted signal registers nothing', () => {
  const waiters = new ContainerWaiters();
  void waiters.removal('c1', AbortSignal.abort());
  assert.equal(waiters.count(), 0);
});
