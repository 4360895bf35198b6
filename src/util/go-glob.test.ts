import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError } from '../errors/index.js';
import { compileGoGlob } from './go-glob.js';

const matches = (pattern: string, source: string): boolean => compileGoGlob(pattern).matches(source);

test('go glob: * and ? stop at a slash, as Go path.Match', () => {
  assert.equal(matches('nginx', 'nginx'), true);
  assert.equal(matches('nginx', 'nginx2'), false);
  assert.equal(matches('ngi*', 'nginx'), true);
  assert.equal(matches('*', 'team/app'), false);
  assert.equal(matches('*/*', 'team/app'), true);
  assert.equal(matches('ng?nx:1.?.1', 'nginx:1.9.1'), true);
  assert.equal(matches('ng?nx', 'ng/nx'), false);
});

test('go glob: classes, negation, ranges and escapes; regexp metacharacters are literal', () => {
  assert.equal(matches('v[0-9]', 'v7'), true);
  assert.equal(matches('v[^0-9]', 'v7'), false);
  assert.equal(matches('v[!0-9]', 'vx'), true);
  assert.equal(matches('a\\*', 'a*'), true);
  assert.equal(matches('a\\*', 'ab'), false);
  assert.equal(matches('a.b', 'axb'), false);
  assert.equal(matches('(a|b)+', 'a'), false);
  assert.equal(matches('(a|b)+', '(a|b)+'), true);
});

test('go glob: a malformed pattern is a 400, and a long run of stars stays linear', () => {
  for (const bad of ['[abc', 'x\\', '[z-a]']) {
    assert.throws(() => compileGoGlob(bad), (error: unknown) => error instanceof EngineError && error.kind === 'invalid', bad);
  }
  const started = Date.now();
  assert.equal(matches('*a'.repeat(100) + 'b', 'a'.repeat(250)), false);
  assert.ok(Date.now() - started < 1000);
});
