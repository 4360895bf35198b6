import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError, conflict, forbidden, invalid, notFound, notImplemented, system, unavailable } from './engine-error.js';
import { toHttpError } from './http-status.js';

test('each error kind maps to Docker status and a {message} body', () => {
  const cases: Array<[EngineError, number]> = [
    [invalid('x', 'bad'), 400],
    [forbidden('x', 'no'), 403],
    [notFound('x', 'network nosuchnet not found'), 404],
    [conflict('x', 'dup'), 409],
    [notImplemented('x', 'later'), 501],
    [unavailable('x', 'etcd down'), 503],
    [system('x', 'kernel said no'), 500],
    [new EngineError('unauthorized', 'x', 'login attempt failed'), 401],
  ];
  for (const [error, status] of cases) {
    assert.deepEqual(toHttpError(error), { status, body: { message: error.message } });
  }
});

test('unknown errors are 500 with their message, never a stack', () => {
  assert.deepEqual(toHttpError(new Error('boom')), { status: 500, body: { message: 'boom' } });
  assert.deepEqual(toHttpError('text'), { status: 500, body: { message: 'text' } });
});

test('a hint follows the message, which still starts with Docker\'s wording', () => {
  const error = new EngineError('system', 'pool-exhausted', 'could not find an available, non-overlapping IPv4 address pool', { hint: 'remove unused networks' });
  assert.deepEqual(toHttpError(error), { status: 500, body: { message: 'could not find an available, non-overlapping IPv4 address pool: remove unused networks' } });
  assert.deepEqual(toHttpError(invalid('x', 'bad value', 'use a number')).body, { message: 'bad value: use a number' });
  assert.deepEqual(toHttpError(invalid('x', 'bad value')).body, { message: 'bad value' });
});

test('typed errors keep their cause', () => {
  const cause = new Error('EACCES');
  assert.equal(new EngineError('system', 'x', 'failed', { cause }).cause, cause);
  assert.equal(system('x', 'failed', cause).cause, cause);
});
