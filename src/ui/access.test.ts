/** The view's gate: token by query (then cookie), bearer or cookie; Host checked; everything else 401. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allowedHosts, checkAccess, COOKIE, newToken } from './access.js';

const token = newToken();
const hosts = allowedHosts('127.0.0.1', 7380);
const ask = (fields: { host?: string; authorization?: string; cookie?: string; url?: string }) =>
  checkAccess({ host: fields.host ?? '127.0.0.1:7380', authorization: fields.authorization, cookie: fields.cookie, url: fields.url ?? '/api/topology' }, token, hosts);

test('tokens are 48 hex characters and differ', () => {
  assert.match(token, /^[0-9a-f]{48}$/);
  assert.notEqual(newToken(), token);
});

test('no token, a wrong token or a wrong scheme is 401', () => {
  for (const verdict of [ask({}), ask({ authorization: `Bearer ${newToken()}` })]) assert.ok(verdict.kind === 'deny' && verdict.status === 401);
  assert.equal(ask({ authorization: `Basic ${token}` }).kind, 'deny');
  assert.equal(ask({ cookie: `${COOKIE}=${token.slice(1)}` }).kind, 'deny');
  assert.equal(ask({ url: `/api/topology?token=${token}` }).kind, 'deny', 'the query token only logs in on the page itself');
});

test('bearer or cookie lets in; the token URL sets an HttpOnly SameSite=Strict cookie and redirects', () => {
  assert.deepEqual(ask({ authorization: `Bearer ${token}` }), { kind: 'allow' });
  assert.deepEqual(ask({ cookie: `other=1; ${COOKIE}=${token}` }), { kind: 'allow' });
  const login = ask({ url: `/?token=${token}` });
  assert.equal(login.kind, 'login');
  assert.ok(login.kind === 'login' && login.location === '/' && /HttpOnly/.test(login.cookie) && /SameSite=Strict/.test(login.cookie));
});

test('a Host header naming another site (DNS rebinding) or no Host is 403, even with the token', () => {
  for (const host of ['evil.example:7380', '127.0.0.1:7381', '10.0.0.1:80', '10.0.0.1', '', '127.0.0.1.evil.example:7380']) {
    const verdict = checkAccess({ host, authorization: `Bearer ${token}`, cookie: undefined, url: '/' }, token, hosts);
    assert.ok(verdict.kind === 'deny' && verdict.status === 403, host);
  }
  for (const host of ['localhost:7380', 'LOCALHOST:7380', '[::1]:7380', '10.0.0.1:7380']) assert.equal(ask({ host, authorization: `Bearer ${token}` }).kind, 'allow', host);
});
