import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unpackInArrivalOrder } from './unpack-queue.js';

function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

test('items are taken as they arrive, at most `limit` at once', async () => {
  const gates = new Map(['a', 'b', 'c'].map((name) => [name, gate()]));
  const order: string[] = [];
  let running = 0;
  let most = 0;
  const done = unpackInArrivalOrder(['a', 'b', 'c'], 2, (item) => gates.get(item)!.promise, async (item) => {
    running += 1;
    most = Math.max(most, running);
    order.push(item);
    await new Promise((resolve) => setTimeout(resolve, 5));
    running -= 1;
  }, new AbortController().signal);
  gates.get('c')!.open();
  await new Promise((resolve) => setTimeout(resolve, 1));
  gates.get('a')!.open();
  gates.get('b')!.open();
  await done;
  assert.equal(order[0], 'c');
  assert.deepEqual([...order].sort(), ['a', 'b', 'c']);
  assert.equal(most, 2);
});

test('the first failure stops the queue and is the one thrown; nothing waits for items never arriving', async () => {
  const never = new Promise<void>(() => undefined);
  const started: string[] = [];
  const done = unpackInArrivalOrder(['bad', 'slow', 'late'], 2, (item) => (item === 'late' ? never : Promise.resolve()), async (item, signal) => {
    started.push(item);
    if (item === 'bad') throw new Error('diff_id mismatch');
    if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    throw new Error('aborted');
  }, new AbortController().signal);
  await assert.rejects(done, /diff_id mismatch/);
  assert.ok(started.includes('bad') && !started.includes('late'), started.join());
});

test('an arrival that fails (the copy failed) fails the queue with its error', async () => {
  await assert.rejects(unpackInArrivalOrder(['x'], 2, () => Promise.reject(new Error('copy failed')), async () => undefined, new AbortController().signal), /copy failed/);
});
