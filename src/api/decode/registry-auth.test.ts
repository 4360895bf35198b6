import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeLogin, decodeRegistryAuth } from './registry-auth.js';

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

test('X-Registry-Auth: base64url or base64 JSON, username/password, auth pair or identity token', () => {
  assert.deepEqual(decodeRegistryAuth(b64url({ username: 'u', password: 'p?>', serveraddress: '10.0.0.1:5000' })), { username: 'u', password: 'p?>', serverAddress: '10.0.0.1:5000' });
  assert.deepEqual(decodeRegistryAuth(Buffer.from(JSON.stringify({ username: 'u', password: 'p?>' })).toString('base64')), { username: 'u', password: 'p?>' });
  assert.deepEqual(decodeRegistryAuth(b64url({ auth: Buffer.from('u:p:q').toString('base64') })), { username: 'u', password: 'p:q' });
  assert.deepEqual(decodeRegistryAuth(b64url({ username: '<token>', identitytoken: 't' })), { username: '<token>', identityToken: 't' });
  assert.deepEqual(decodeRegistryAuth(b64url({ username: 'u', password: 'p', extra: { x: 1 } })), { username: 'u', password: 'p' });
});

test('anonymous: no header, empty, {} or e30=', () => {
  for (const header of [undefined, '', 'e30=', 'e30', b64url({ serveraddress: 'x' })]) assert.equal(decodeRegistryAuth(header), undefined, String(header));
});

test('a malformed header is a 400 naming it', () => {
  const bad = ['!!!', 'a b', b64url('text'), b64url([1]), b64url({ username: 5 }), b64url({ password: { x: 1 } }), b64url({ username: 'x'.repeat(9000) }), 'x'.repeat(17_000), Buffer.from('{"username":').toString('base64url'), b64url({ auth: Buffer.from('nopair').toString('base64') })];
  for (const header of bad) {
    assert.throws(() => decodeRegistryAuth(header), (error: Error & { kind?: string }) => error.kind === 'invalid' && /X-Registry-Auth header/.test(error.message), header.slice(0, 40));
  }
  assert.throws(() => decodeRegistryAuth(['a', 'b']), /one header/);
});

test('POST /auth body: username and password required', () => {
  assert.deepEqual(decodeLogin({ username: 'u', password: 'p', serveraddress: '10.0.0.1:5000' }), { username: 'u', password: 'p', serverAddress: '10.0.0.1:5000' });
  assert.throws(() => decodeLogin({ username: 'u' }), /username and password are required/);
  assert.throws(() => decodeLogin({ username: 1, password: 'p' }), /username must be a string/);
  assert.throws(() => decodeLogin('x'), /expected a JSON object/);
});
