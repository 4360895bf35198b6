import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUlaGlobalId, newUlaGlobalId, ulaPool, withDefaultIpv6Pool } from './ula.js';
import { pickSubnet } from './pools.js';

test('a new global id is 40 random bits in hex', () => {
  const id = newUlaGlobalId();
  assert.ok(isUlaGlobalId(id), id);
  assert.notEqual(newUlaGlobalId(), id);
});

test('the ULA pool is fd + global id as a /48 of /64s', () => {
  assert.deepEqual(ulaPool('0123456789'), { base: 'fd01:2345:6789::/48', size: 64 });
  assert.throws(() => ulaPool('xyz'));
  assert.throws(() => ulaPool('01234567890'));
});

test('the ULA pool is added only when no configured pool is IPv6', () => {
  const ula = ulaPool('abcdef0123');
  const v4 = [{ base: '10.10.0.0/16', size: 24 }];
  assert.deepEqual(withDefaultIpv6Pool(v4, ula), [...v4, ula]);
  const mixed = [...v4, { base: 'fd99::/56', size: 64 }];
  assert.deepEqual(withDefaultIpv6Pool(mixed, ula), mixed);
});

test('IPv6 subnets are picked from the ULA pool in order, skipping used ones', () => {
  const pools = withDefaultIpv6Pool([{ base: '10.10.0.0/16', size: 24 }], ulaPool('abcdef0123'));
  assert.equal(pickSubnet(pools, { used: [], family: 6 }), 'fdab:cdef:123::/64');
  assert.equal(pickSubnet(pools, { used: ['fdab:cdef:123::/64'], family: 6 }), 'fdab:cdef:123:1::/64');
  assert.equal(pickSubnet(pools, { used: [], family: 4 }), '10.10.0.0/24');
});
