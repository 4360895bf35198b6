import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError } from '../errors/engine-error.js';
import { overlaps } from './cidr.js';
import {
  CONET_EXTRA_POOLS,
  DEFAULT_ADDRESS_POOLS,
  DOCKER_DEFAULT_POOLS,
  pickSubnet,
  validateAddressPools,
  type AddressPool,
} from './pools.js';

/** Docker 20.10's predefined local networks, in the order its IPAM hands them out. */
const DOCKER_SEQUENCE = [
  ...Array.from({ length: 15 }, (_, index) => `172.${17 + index}.0.0/16`),
  ...Array.from({ length: 16 }, (_, index) => `192.168.${index * 16}.0/20`),
];

function pickMany(count: number, options: { pools?: readonly AddressPool[]; used?: string[]; avoid?: string[] } = {}): string[] {
  const used = [...(options.used ?? [])];
  const picks: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const subnet = pickSubnet(options.pools ?? DEFAULT_ADDRESS_POOLS, { used, avoid: options.avoid ?? [] });
    picks.push(subnet);
    used.push(subnet);
  }
  return picks;
}

describe('default pools', () => {
  it('concatenate Docker 20.10 defaults and the conet extras', () => {
    assert.deepEqual(DEFAULT_ADDRESS_POOLS, [...DOCKER_DEFAULT_POOLS, ...CONET_EXTRA_POOLS]);
    assert.deepEqual(CONET_EXTRA_POOLS, [{ base: '172.16.0.0/16', size: 24 }, { base: '10.208.0.0/12', size: 24 }]);
  });

  it('first 31 picks are Docker 20.10 list, in order', () => {
    assert.deepEqual(pickMany(31), DOCKER_SEQUENCE);
  });

  it('with the default bridge on 172.17.0.0/16 the first pick is 172.18.0.0/16 (seed S060)', () => {
    assert.equal(pickSubnet(DEFAULT_ADDRESS_POOLS, { used: ['172.17.0.0/16'], avoid: [] }), '172.18.0.0/16');
  });

  it('the 32nd pick is 172.16.0.0/24, then the extras continue in order', () => {
    const picks = pickMany(31 + 256 + 2);
    assert.equal(picks[31], '172.16.0.0/24');
    assert.equal(picks[32], '172.16.1.0/24');
    assert.equal(picks[31 + 255], '172.16.255.0/24');
    assert.equal(picks[31 + 256], '10.208.0.0/24');
    assert.equal(picks[31 + 257], '10.208.1.0/24');
  });

  it('200 picks are distinct and pairwise non-overlapping', () => {
    const picks = pickMany(200, { used: ['172.17.0.0/16'] });
    assert.equal(new Set(picks).size, 200);
    for (let a = 0; a < picks.length; a += 1) {
      for (let b = a + 1; b < picks.length; b += 1) {
        assert.equal(overlaps(picks[a] as string, picks[b] as string), false, `${picks[a]} overlaps ${picks[b]}`);
      }
    }
  });

  it('fills a gap left by a removed network first', () => {
    const used = ['172.17.0.0/16', '172.19.0.0/16', '172.20.0.0/16'];
    assert.equal(pickSubnet(DEFAULT_ADDRESS_POOLS, { used }), '172.18.0.0/16');
  });

  it('skips subnets overlapping a host route or address', () => {
    const used = ['172.17.0.0/16'];
    assert.equal(pickSubnet(DEFAULT_ADDRESS_POOLS, { used, avoid: ['172.18.5.0/24'] }), '172.19.0.0/16');
    assert.equal(pickSubnet(DEFAULT_ADDRESS_POOLS, { used, avoid: ['172.18.0.1'] }), '172.19.0.0/16');
    // A route wider than the pools (172.16.0.0/12 covers 172.16-172.31) pushes the pick to 192.168.
    assert.equal(pickSubnet(DEFAULT_ADDRESS_POOLS, { used, avoid: ['172.16.0.0/12'] }), '192.168.0.0/20');
    // The seed host's eth0 172.16.0.6/20 makes the extras start at 172.16.16.0/24.
    assert.equal(pickMany(32, { avoid: ['172.16.0.6/20'] })[31], '172.16.16.0/24');
  });

  it('ignores used subnets and routes of the other family, and garbage', () => {
    assert.equal(pickSubnet(DEFAULT_ADDRESS_POOLS, { used: ['fd00::/8', 'not-a-cidr'], avoid: ['::/0'] }), '172.17.0.0/16');
  });

  it('skips a used subnet larger than the pool block in one jump', () => {
    const used = ['172.16.0.0/12', '192.168.0.0/16'];
    assert.equal(pickSubnet(DEFAULT_ADDRESS_POOLS, { used }), '10.208.0.0/24');
  });

  it('throws Docker message when everything is taken', () => {
    assert.throws(
      () => pickSubnet(DEFAULT_ADDRESS_POOLS, { used: ['0.0.0.0/0'] }),
      (error: unknown) => {
        assert.ok(error instanceof EngineError);
        assert.equal(error.kind, 'system');
        assert.equal(error.code, 'pool-exhausted');
        assert.equal(error.message, 'could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
        return true;
      },
    );
  });

  it('has no IPv6 defaults (Docker 20.10), so an IPv6 pick fails with the IPv6 message', () => {
    assert.throws(() => pickSubnet(DEFAULT_ADDRESS_POOLS, { used: [], family: 6 }), {
      message: 'could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network',
    });
  });
});

describe('custom pools', () => {
  it('walks a daemon.json pool', () => {
    const pools = validateAddressPools([{ base: '10.10.0.0/16', size: 24 }]);
    assert.deepEqual(pickMany(3, { pools }), ['10.10.0.0/24', '10.10.1.0/24', '10.10.2.0/24']);
    assert.throws(() => pickMany(257, { pools }), { code: 'pool-exhausted' });
  });

  it('picks IPv6 subnets from IPv6 pools', () => {
    const pools = validateAddressPools([{ base: '10.10.0.0/16', size: 24 }, { base: 'fd00:1::/48', size: 64 }]);
    assert.equal(pickSubnet(pools, { used: ['fd00:1::/64'], family: 6 }), 'fd00:1:0:1::/64');
  });

  it('normalises bases and validates sizes', () => {
    assert.deepEqual(validateAddressPools([{ base: '10.10.3.4/16', size: 16 }]), [{ base: '10.10.0.0/16', size: 16 }]);
    assert.deepEqual(validateAddressPools([{ base: '10.10.0.0/16', size: 32 }]), [{ base: '10.10.0.0/16', size: 32 }]);
    const bad: Array<[unknown, RegExp]> = [
      [[{ base: '10.10.0.0/16', size: 8 }], /size must be between the base prefix length 16 and 32/],
      [[{ base: '10.10.0.0/16', size: 33 }], /size must be between the base prefix length 16 and 32/],
      [[{ base: 'fd00::/48', size: 129 }], /between the base prefix length 48 and 128/],
      [[{ base: '10.10.0/16', size: 24 }], /base is not a CIDR/],
      [[{ base: '10.10.0.0/16', size: '24' }], /size must be an integer/],
      [[{ base: '10.10.0.0/16', size: 24.5 }], /size must be an integer/],
      [[null], /base is not a CIDR/],
      [{ base: '10.10.0.0/16', size: 24 }, /expected a list/],
    ];
    for (const [input, message] of bad) {
      assert.throws(() => validateAddressPools(input), (error: unknown) => {
        assert.ok(error instanceof EngineError);
        assert.equal(error.kind, 'invalid');
        assert.equal(error.code, 'invalid-address-pool');
        assert.match(error.message, /^invalid default address pool /);
        assert.match(error.message, message);
        return true;
      });
    }
  });

  it('pickSubnet skips pools whose size does not fit their base instead of misaligning', () => {
    assert.equal(pickSubnet([{ base: '10.10.0.0/16', size: 8 }, { base: '10.20.0.0/16', size: 24 }], { used: [] }), '10.20.0.0/24');
  });
});
