import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError } from '../errors/engine-error.js';
import { formatAddress, normalizeAddress, parseAddress, sameAddress, showInput, tryParseAddress } from './address.js';

describe('parseAddress', () => {
  it('parses IPv4 to a 32-bit value', () => {
    assert.deepEqual(parseAddress('10.99.0.254'), { family: 4, value: 0x0a6300fen });
    assert.deepEqual(parseAddress('0.0.0.0'), { family: 4, value: 0n });
    assert.deepEqual(parseAddress('255.255.255.255'), { family: 4, value: 0xffffffffn });
  });

  it('parses IPv6 forms: full, compressed, embedded IPv4, mixed case', () => {
    assert.deepEqual(parseAddress('::'), { family: 6, value: 0n });
    assert.deepEqual(parseAddress('::1'), { family: 6, value: 1n });
    assert.equal(parseAddress('2001:db8::1').value, 0x20010db8000000000000000000000001n);
    assert.equal(parseAddress('2001:0DB8:0000:0000:0000:0000:0000:0001').value, 0x20010db8000000000000000000000001n);
    assert.equal(parseAddress('::ffff:10.0.0.1').value, 0xffff0a000001n);
    assert.equal(parseAddress('1:2:3:4:5:6:7::').value, 0x00010002000300040005000600070000n);
    assert.equal(parseAddress('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff').value, (1n << 128n) - 1n);
  });

  const rejected = [
    '', 'foo', '10.99.0', '10.99.0.0.1', '300.1.1.1', '256.0.0.0', '010.0.0.1', '0x0a.0.0.1', '1.2.3.-4',
    ' 10.0.0.1', '10.0.0.1 ', '10.0.0.1/24', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '1::2::3', ':1::', '1::2:',
    ':::', '12345::', 'fe80::1%eth0', '::1.2.3', '1.2.3.4::', 'g::1', '; rm -rf /', '$(reboot)', '1:2:3:4:5:6:7:8::',
  ];
  for (const text of rejected) {
    it(`rejects ${JSON.stringify(text)} with EngineError invalid`, () => {
      assert.equal(tryParseAddress(text), undefined);
      assert.throws(() => parseAddress(text), (error: unknown) => {
        assert.ok(error instanceof EngineError);
        assert.equal(error.kind, 'invalid');
        assert.equal(error.code, 'invalid-address');
        assert.equal(error.message, `invalid IP address: ${JSON.stringify(text)}`);
        return true;
      });
    });
  }

  it('rejects non-strings from JSON bodies', () => {
    assert.equal(tryParseAddress(42), undefined);
    assert.throws(() => parseAddress(null), { message: 'invalid IP address: null' });
  });
});

describe('formatAddress', () => {
  const canonical: Array<[string, string]> = [
    ['10.99.0.128', '10.99.0.128'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['FD00:DEAD:BEEF::', 'fd00:dead:beef::'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:1:1:1:1:0:1', '2001:db8:1:1:1:1:0:1'],
    ['1::', '1::'],
    ['::ffff:10.0.0.1', '::ffff:10.0.0.1'],
  ];
  for (const [input, expected] of canonical) {
    it(`prints ${input} as ${expected} (RFC 5952)`, () => {
      assert.equal(normalizeAddress(input), expected);
      assert.equal(formatAddress(parseAddress(expected)), expected);
    });
  }
});

describe('helpers', () => {
  it('compares addresses by value', () => {
    assert.equal(sameAddress('fd00::1', 'FD00:0:0::01'), true);
    assert.equal(sameAddress('0.0.0.1', '::1'), false);
  });

  it('bounds and escapes user input shown in messages', () => {
    assert.equal(showInput('a\nb'), '"a\\nb"');
    assert.equal(showInput('x'.repeat(100)).length, 64 + 5);
  });
});
