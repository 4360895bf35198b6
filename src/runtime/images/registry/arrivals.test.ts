import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BlobArrivals } from './arrivals.js';

test('a blob is ready once onArrive has linked it, and is linked once', async () => {
  const linked: string[] = [];
  const arrivals = new BlobArrivals(['sha256:a', 'sha256:b'], async (digest) => {
    linked.push(digest);
  });
  let ready = false;
  const waiting = arrivals.wait('sha256:a').then(() => (ready = true));
  await new Promise((resolve) => setTimeout(resolve, 1));
  assert.equal(ready, false);
  arrivals.arrive('sha256:a');
  arrivals.arrive('sha256:a');
  await waiting;
  arrivals.settle();
  await arrivals.wait('sha256:b');
  assert.deepEqual(linked, ['sha256:a', 'sha256:b']);
});

test('a failed copy fails the blobs not arrived with its error; arrived ones stay ready', async () => {
  const arrivals = new BlobArrivals(['sha256:a', 'sha256:b'], async () => undefined);
  arrivals.arrive('sha256:a');
  arrivals.fail(new Error('manifest unknown'));
  await arrivals.wait('sha256:a');
  await assert.rejects(arrivals.wait('sha256:b'), /manifest unknown/);
});
