import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ImageRecord } from '../../../model/image.js';
import type { PullEvent, PullRequest } from '../../../model/registry.js';
import { JoinedPulls, pullKey } from './joined.js';

const request = (tag: string, username?: string): PullRequest => ({ reference: { domain: 'docker.io', path: 'library/nginx', tag }, ...(username ? { auth: { username, password: 'p' } } : {}) });

/** A pull that emits one event, then waits until released or cancelled. */
function controllable(): { fn: ConstructorParameters<typeof JoinedPulls>[0]; starts: number; finish: () => void; cancelled: () => boolean } {
  let finish = (): void => undefined;
  let aborted = false;
  const state = {
    starts: 0,
    finish: () => finish(),
    cancelled: () => aborted,
    fn: async (_: PullRequest, emit: (event: PullEvent) => void, signal: AbortSignal): Promise<ImageRecord> => {
      state.starts += 1;
      await Promise.resolve();
      emit({ status: 'Pulling from library/nginx', id: '1' });
      await new Promise<void>((resolve, reject) => {
        finish = resolve;
        signal.addEventListener('abort', () => {
          aborted = true;
          reject(new Error('cancelled'));
        }, { once: true });
      });
      emit({ status: 'Status: done' });
      return { id: 'sha256:x' } as ImageRecord;
    },
  };
  return state;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('a second pull of the same image joins the first: one pull, replayed and shared progress', async () => {
  const pull = controllable();
  const joined = new JoinedPulls(pull.fn);
  const first: string[] = [];
  const second: string[] = [];
  const a = joined.pull(request('1'), (event) => first.push(event.status), new AbortController().signal);
  await tick();
  const b = joined.pull(request('1'), (event) => second.push(event.status), new AbortController().signal);
  pull.finish();
  assert.deepEqual([(await a).id, (await b).id], ['sha256:x', 'sha256:x']);
  assert.equal(pull.starts, 1);
  assert.deepEqual(first, ['Pulling from library/nginx', 'Status: done']);
  assert.deepEqual(second, first);
});

test('the pull is cancelled only when every client has gone', async () => {
  const pull = controllable();
  const joined = new JoinedPulls(pull.fn);
  const one = new AbortController();
  const two = new AbortController();
  const a = joined.pull(request('1'), () => undefined, one.signal).catch((error: Error) => error.message);
  const b = joined.pull(request('1'), () => undefined, two.signal).catch((error: Error) => error.message);
  one.abort();
  await tick();
  assert.equal(pull.cancelled(), false);
  two.abort();
  assert.deepEqual([await a, await b], ['cancelled', 'cancelled']);
  assert.equal(pull.cancelled(), true);
});

test('other tags, platforms or credentials are other pulls', () => {
  assert.notEqual(pullKey(request('1')), pullKey(request('2')));
  assert.notEqual(pullKey(request('1', 'a')), pullKey(request('1', 'b')));
  assert.notEqual(pullKey(request('1')), pullKey({ ...request('1'), platform: { os: 'linux', architecture: 'arm64' } }));
  assert.equal(pullKey(request('1', 'a')), pullKey(request('1', 'a')));
});
