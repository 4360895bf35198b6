import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError } from '../errors/engine-error.js';
import { formatAddress } from './address.js';
import {
  addressCount,
  broadcastAddress,
  cidrFamily,
  contains,
  containsCidr,
  firstUsableAddress,
  lastAddress,
  lastUsableAddress,
  networkAddress,
  normalizeCidr,
  nthAddress,
  overlaps,
  parseCidr,
  prefixLengthOf,
  reservedValues,
  tryParseCidr,
} from './cidr.js';

const text = (address: { family: 4 | 6; value: bigint } | undefined): string | undefined =>
  address === undefined ? undefined : formatAddress(address);

describe('parseCidr', () => {
  it('parses and normalises host bits to the network address', () => {
    assert.deepEqual(parseCidr('10.99.0.0/24'), { family: 4, network: 0x0a630000n, prefixLength: 24 });
    assert.equal(normalizeCidr('10.99.0.5/24'), '10.99.0.0/24');
    assert.equal(normalizeCidr('172.20.1.2/14'), '172.20.0.0/14');
    assert.equal(normalizeCidr('FD00:DEAD:BEEF::1/64'), 'fd00:dead:beef::/64');
    assert.equal(normalizeCidr('2001:db8::ff/120'), '2001:db8::/120');
  });

  it('accepts the extremes /0, /32 and /128', () => {
    assert.equal(normalizeCidr('10.1.2.3/0'), '0.0.0.0/0');
    assert.equal(normalizeCidr('10.1.2.3/32'), '10.1.2.3/32');
    assert.equal(normalizeCidr('::1/128'), '::1/128');
    assert.equal(normalizeCidr('ffff::/0'), '::/0');
  });

  const rejected = [
    '10.99.0/24', '300.1.1.1/24', '10.0.0.0/33', '::/129', '10.0.0.0', '10.0.0.0/', '/24', '10.0.0.0/24/1',
    '10.0.0.0/024', '10.0.0.0/-1', '10.0.0.0/2a', '10.0.0.0 /24', '; rm -rf /', '$(reboot)', '', 'fe80::%eth0/64',
  ];
  for (const input of rejected) {
    it(`rejects ${JSON.stringify(input)} quoting it`, () => {
      assert.equal(tryParseCidr(input), undefined);
      assert.throws(() => parseCidr(input), (error: unknown) => {
        assert.ok(error instanceof EngineError);
        assert.equal(error.kind, 'invalid');
        assert.equal(error.code, 'invalid-cidr');
        assert.equal(error.message, `invalid CIDR address: ${input}`);
        return true;
      });
    });
  }

  it('escapes control characters of hostile input in the message', () => {
    assert.throws(() => parseCidr('10.0.0.0/24\nforged log line'), {
      message: 'invalid CIDR address: 10.0.0.0/24\\nforged log line',
    });
  });
});

describe('block arithmetic', () => {
  it('IPv4 /24: network, broadcast, usable hosts', () => {
    const subnet = '10.99.0.0/24';
    assert.equal(cidrFamily(subnet), 4);
    assert.equal(prefixLengthOf(subnet), 24);
    assert.equal(addressCount(subnet), 256n);
    assert.equal(text(networkAddress(subnet)), '10.99.0.0');
    assert.equal(text(broadcastAddress(subnet)), '10.99.0.255');
    assert.equal(text(firstUsableAddress(subnet)), '10.99.0.1');
    assert.equal(text(lastUsableAddress(subnet)), '10.99.0.254');
    assert.deepEqual(reservedValues(subnet), [0x0a630000n, 0x0a6300ffn]);
  });

  it('IPv4 /30 has two hosts', () => {
    assert.equal(text(firstUsableAddress('10.97.0.0/30')), '10.97.0.1');
    assert.equal(text(lastUsableAddress('10.97.0.0/30')), '10.97.0.2');
  });

  it('IPv4 /31 and /32 reserve nothing (RFC 3021)', () => {
    assert.equal(broadcastAddress('10.0.0.0/31'), undefined);
    assert.deepEqual(reservedValues('10.0.0.0/31'), []);
    assert.equal(text(firstUsableAddress('10.0.0.0/31')), '10.0.0.0');
    assert.equal(text(lastUsableAddress('10.0.0.0/31')), '10.0.0.1');
    assert.equal(text(firstUsableAddress('10.0.0.7/32')), '10.0.0.7');
    assert.equal(text(lastUsableAddress('10.0.0.7/32')), '10.0.0.7');
    assert.equal(addressCount('10.0.0.7/32'), 1n);
  });

  it('IPv4 /0 spans everything', () => {
    assert.equal(addressCount('0.0.0.0/0'), 1n << 32n);
    assert.equal(text(broadcastAddress('0.0.0.0/0')), '255.255.255.255');
    assert.equal(contains('0.0.0.0/0', '203.0.113.9'), true);
  });

  it('IPv6 has no broadcast but reserves the network address', () => {
    const subnet = 'fd00:dead:beef::/64';
    assert.equal(broadcastAddress(subnet), undefined);
    assert.deepEqual(reservedValues(subnet), [parseCidr(subnet).network]);
    assert.equal(text(firstUsableAddress(subnet)), 'fd00:dead:beef::1');
    assert.equal(text(lastUsableAddress(subnet)), 'fd00:dead:beef:0:ffff:ffff:ffff:ffff');
    assert.equal(text(lastAddress('::/0')), 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff');
    assert.equal(addressCount('::/0'), 1n << 128n);
  });

  it('IPv6 /127 and /128 reserve nothing (RFC 6164)', () => {
    assert.equal(text(firstUsableAddress('2001:db8::/127')), '2001:db8::');
    assert.equal(text(firstUsableAddress('2001:db8::5/128')), '2001:db8::5');
    assert.deepEqual(reservedValues('2001:db8::5/128'), []);
  });

  it('nthAddress counts from the network address and refuses to leave the block', () => {
    assert.equal(text(nthAddress('10.99.0.0/24', 128)), '10.99.0.128');
    assert.equal(text(nthAddress('fd00::/64', 2n)), 'fd00::2');
    assert.throws(() => nthAddress('10.99.0.0/24', 256), RangeError);
    assert.throws(() => nthAddress('10.99.0.0/24', -1), RangeError);
  });
});

describe('contains / overlaps', () => {
  it('contains checks bounds and family', () => {
    assert.equal(contains('10.99.0.0/24', '10.99.0.0'), true);
    assert.equal(contains('10.99.0.0/24', '10.99.0.255'), true);
    assert.equal(contains('10.99.0.0/24', '10.99.1.0'), false);
    assert.equal(contains('10.99.0.0/24', '10.98.255.255'), false);
    assert.equal(contains('::/0', '10.0.0.1'), false);
    assert.equal(contains('0.0.0.0/0', '::1'), false);
    assert.equal(contains('10.0.0.5/32', '10.0.0.5'), true);
    assert.throws(() => contains('10.99.0.0/24', 'foo'), { code: 'invalid-address' });
  });

  it('containsCidr and overlaps', () => {
    assert.equal(containsCidr('10.99.0.0/24', '10.99.0.128/25'), true);
    assert.equal(containsCidr('10.99.0.0/24', '10.99.0.0/24'), true);
    assert.equal(containsCidr('10.99.0.128/25', '10.99.0.0/24'), false);
    assert.equal(overlaps('10.99.0.0/16', '10.99.0.0/24'), true);
    assert.equal(overlaps('10.99.0.0/24', '10.99.0.0/16'), true);
    assert.equal(overlaps('10.99.0.0/24', '10.99.1.0/24'), false);
    assert.equal(overlaps('0.0.0.0/0', '192.168.7.0/24'), true);
    assert.equal(overlaps('10.0.0.0/8', '::/0'), false);
    assert.equal(overlaps('fd00::/8', 'fd00:dead:beef::/64'), true);
    assert.equal(overlaps('172.17.0.0/16', '172.16.0.0/16'), false);
  });
});
