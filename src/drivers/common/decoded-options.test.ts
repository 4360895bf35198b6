import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DecodedOptions } from './decoded-options.js';

interface Fake {
  id: string;
  options: Record<string, string>;
  internal: boolean;
}

function counting(): { cache: DecodedOptions<Fake, string>; calls: () => number } {
  let calls = 0;
  const cache = new DecodedOptions<Fake, string>(
    (network) => {
      calls += 1;
      const mode = network.options['mode'] ?? 'a';
      if (mode === 'bad') throw new Error(`bad mode for ${network.id}`);
      return `${mode}${network.internal ? '/internal' : ''}`;
    },
    (network) => [network.options, network.internal],
  );
  return { cache, calls: () => calls };
}

test('decodes a network once, then reuses the result', () => {
  const { cache, calls } = counting();
  const network: Fake = { id: 'n1', options: { mode: 'b' }, internal: false };
  assert.equal(cache.of(network), 'b');
  assert.equal(cache.of(network), 'b');
  assert.equal(cache.of(network), 'b');
  assert.equal(calls(), 1);
});

test('each network object has its own entry', () => {
  const { cache, calls } = counting();
  const one: Fake = { id: 'n1', options: { mode: 'b' }, internal: false };
  const two: Fake = { id: 'n2', options: { mode: 'c' }, internal: true };
  assert.equal(cache.of(one), 'b');
  assert.equal(cache.of(two), 'c/internal');
  assert.equal(cache.of(one), 'b');
  assert.equal(calls(), 2);
});

test('replaced sources are decoded again, not served stale', () => {
  const { cache, calls } = counting();
  const network: Fake = { id: 'n1', options: { mode: 'b' }, internal: false };
  assert.equal(cache.of(network), 'b');
  network.options = { mode: 'c' };
  assert.equal(cache.of(network), 'c');
  network.internal = true;
  assert.equal(cache.of(network), 'c/internal');
  assert.equal(calls(), 3);
});

test('bad options throw every time and keep nothing', () => {
  const { cache, calls } = counting();
  const network: Fake = { id: 'n1', options: { mode: 'bad' }, internal: false };
  assert.throws(() => cache.of(network), /bad mode for n1/);
  assert.throws(() => cache.of(network), /bad mode for n1/);
  assert.equal(calls(), 2);
});
