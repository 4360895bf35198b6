import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as packet from 'dns-packet';
import { admittedAddresses } from './fqdn-answer.js';

const a = (name: string, data: string, ttl = 60): packet.Answer => ({ type: 'A', name, ttl, data });
const aaaa = (name: string, data: string, ttl = 60): packet.Answer => ({ type: 'AAAA', name, ttl, data });
const cname = (name: string, data: string, ttl = 60): packet.Answer => ({ type: 'CNAME', name, ttl, data });

test('A and AAAA of an allowed name, with their TTLs, in canonical form', () => {
  const found = admittedAddresses([a('Allowed.test', '10.0.0.1', 5), aaaa('allowed.test', '2001:DB8:0:0::1', 7)], 'allowed.test', ['allowed.test']);
  assert.deepEqual(found, [
    { address: '10.0.0.1', family: 4, ttl: 5 },
    { address: '2001:db8::1', family: 6, ttl: 7 },
  ]);
});

test('through a CNAME chain, with the smallest TTL on it; records off the chain are ignored', () => {
  const answers = [cname('www.allowed.test', 'edge.cdn.test', 3), cname('edge.cdn.test', 'n1.cdn.test', 100), a('n1.cdn.test', '10.0.0.2', 50), a('evil.test', '10.6.6.6'), a('cdn.test', '10.6.6.7')];
  assert.deepEqual(admittedAddresses(answers, 'www.allowed.test', ['*.allowed.test']), [{ address: '10.0.0.2', family: 4, ttl: 3 }]);
});

test('a name outside the list adds nothing, unless a name later on its chain is allowed', () => {
  assert.deepEqual(admittedAddresses([a('blocked.test', '10.0.0.3')], 'blocked.test', ['allowed.test']), []);
  const answers = [cname('alias.other', 'allowed.test', 9), a('allowed.test', '10.0.0.4', 20)];
  assert.deepEqual(admittedAddresses(answers, 'alias.other', ['allowed.test']), [{ address: '10.0.0.4', family: 4, ttl: 9 }]);
  // The allowed name's own records are not the blocked name's: a chain from an allowed name only.
  assert.deepEqual(admittedAddresses([cname('allowed.test', 'x.other', 9), a('x.other', '10.0.0.5')], 'x.other', ['allowed.test']), []);
});

test('CNAME loops and overlong chains end; malformed data is skipped', () => {
  const loop = [cname('allowed.test', 'b.test'), cname('b.test', 'allowed.test'), a('b.test', '10.0.0.6')];
  assert.deepEqual(admittedAddresses(loop, 'allowed.test', ['allowed.test']).map((found) => found.address), ['10.0.0.6']);
  const long = Array.from({ length: 40 }, (_, index) => cname(`n${index}.test`, `n${index + 1}.test`)).concat([a('n40.test', '10.0.0.7')]);
  assert.deepEqual(admittedAddresses(long, 'n0.test', ['n0.test']), []);
  const bad = [{ type: 'A', name: 'allowed.test', ttl: -1, data: 'not an ip' }, { type: 'A', name: 'allowed.test', ttl: Number.NaN, data: '10.0.0.8' }, { type: 'AAAA', name: 'allowed.test', ttl: 1, data: '10.0.0.9' }] as unknown as packet.Answer[];
  assert.deepEqual(admittedAddresses(bad, 'allowed.test', ['allowed.test']), [{ address: '10.0.0.8', family: 4, ttl: 0 }]);
});
