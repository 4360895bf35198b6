/** CONET_FAILPOINTS parsing and the error mode; the crash mode is the e2e test's (it kills the process). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError } from '../errors/index.js';
import { configureFailpoints, failpoint, FAILPOINTS, parseFailpoints } from './failpoint.js';

test('parses NAME=MODE lists; empty is off', () => {
  assert.deepEqual([...parseFailpoints('network.create.after-bridge=error, container.rm.after-store=crash')], [
    ['network.create.after-bridge', 'error'],
    ['container.rm.after-store', 'crash'],
  ]);
  assert.equal(parseFailpoints(undefined).size, 0);
  assert.equal(parseFailpoints('').size, 0);
});

test('an unknown name or mode is a 400 naming it (a typo must not pass a test vacuously)', () => {
  assert.throws(() => parseFailpoints('network.create.after-brdge=error'), (error: unknown) => error instanceof EngineError && error.kind === 'invalid' && /after-brdge/.test(error.message));
  assert.throws(() => parseFailpoints('network.create.after-bridge=panic'), (error: unknown) => error instanceof EngineError && error.kind === 'invalid' && /panic/.test(error.message));
  assert.throws(() => parseFailpoints('network.create.after-bridge'), (error: unknown) => error instanceof EngineError && error.kind === 'invalid');
});

test('off: every failpoint is a no-op; error: a typed 500 at that point only', () => {
  configureFailpoints(undefined);
  for (const name of FAILPOINTS) failpoint(name);
  configureFailpoints(parseFailpoints('ports.publish.after-nft=error'));
  try {
    failpoint('ports.publish.after-reserve');
    assert.throws(() => failpoint('ports.publish.after-nft'), (error: unknown) => error instanceof EngineError && error.kind === 'system' && error.code === 'failpoint');
  } finally {
    configureFailpoints(undefined);
  }
});

test('the names are unique', () => {
  assert.equal(new Set(FAILPOINTS).size, FAILPOINTS.length);
});
