import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError } from '../errors/engine-error.js';
import type { IpamPoolConfig } from '../model/network.js';
import { allocateAddress, defaultGateway, gatewayOf, requestAddress, usesSerialAllocation, type AllocateOptions } from './allocator.js';
import { resolveIpam } from './config.js';

const custom1: IpamPoolConfig = { subnet: '10.99.0.0/24', ipRange: '10.99.0.128/25', gateway: '10.99.0.254' };
const network = { name: 'custom1', id: '738c957661e5a917f194d7c680417e19758c3c15600ce428cddf920ca1676459' };

function allocateMany(configs: IpamPoolConfig[], count: number, options: Partial<AllocateOptions> = {}): string[] {
  const allocated = [...(options.allocated ?? [])];
  for (let index = 0; index < count; index += 1) {
    allocated.push(allocateAddress(configs, { network, ...options, allocated }).address);
  }
  return allocated.slice(allocated.length - count);
}

describe('allocateAddress', () => {
  it('custom1: the first address comes from the ip-range, 10.99.0.128 (S122)', () => {
    const configs = resolveIpam({ driver: 'default', configs: [{ subnet: '10.99.0.0/24', ipRange: '10.99.0.128/25', gateway: '10.99.0.254' }] }, {
      existingSubnets: [],
      enableIPv6: false,
    });
    assert.deepEqual(allocateAddress(configs, { allocated: [], network }), {
      address: '10.99.0.128',
      subnet: '10.99.0.0/24',
      prefixLength: 24,
      gateway: '10.99.0.254',
      next: '10.99.0.129',
    });
  });

  it('hands out the lowest free address, skipping network, gateway and broadcast', () => {
    const config: IpamPoolConfig = { subnet: '172.18.0.0/16', gateway: '172.18.0.1' };
    assert.deepEqual(allocateMany([config], 3), ['172.18.0.2', '172.18.0.3', '172.18.0.4']);
    // A released address is reused first, as Docker does on local networks (S083).
    assert.equal(allocateAddress([config], { allocated: ['172.18.0.2', '172.18.0.4'], network }).address, '172.18.0.3');
  });

  it('never hands out the gateway, auxiliary addresses or the broadcast address', () => {
    const config: IpamPoolConfig = { subnet: '10.1.0.0/29', gateway: '10.1.0.3', auxAddresses: { a: '10.1.0.1', b: '10.1.0.5' } };
    assert.deepEqual(allocateMany([config], 3), ['10.1.0.2', '10.1.0.4', '10.1.0.6']);
    assert.throws(() => allocateMany([config], 4), { code: 'ipam-exhausted' });
  });

  it('accepts allocations stored with a prefix length and ignores other families', () => {
    const config: IpamPoolConfig = { subnet: '172.18.0.0/16', gateway: '172.18.0.1' };
    assert.equal(allocateAddress([config], { allocated: ['172.18.0.2/16', 'fd00::2'], network }).address, '172.18.0.3');
  });

  it('tiny /30: one container, then Docker exhaustion message (S132/S133)', () => {
    const tiny: IpamPoolConfig = { subnet: '10.97.0.0/30', gateway: '10.97.0.1' };
    const first = allocateAddress([tiny], { allocated: [], network: { name: 'tiny', id: '288d826051bc' } });
    assert.equal(first.address, '10.97.0.2');
    assert.throws(
      () => allocateAddress([tiny], { allocated: [first.address], network: { name: 'tiny', id: '288d826051bc' } }),
      (error: unknown) => {
        assert.ok(error instanceof EngineError);
        assert.equal(error.kind, 'system');
        assert.equal(error.code, 'ipam-exhausted');
        assert.equal(error.message, "no available IPv4 addresses on this network's address pools: tiny (288d826051bc)");
        return true;
      },
    );
  });

  it('uses the default gateway of a config stored without one (Docker-style)', () => {
    assert.equal(allocateAddress([{ subnet: '10.97.0.0/30' }], { allocated: [], network }).address, '10.97.0.2');
  });

  it('/31 and /32 hand out every address', () => {
    assert.deepEqual(allocateMany([{ subnet: '10.5.0.0/31' }], 2), ['10.5.0.0', '10.5.0.1']);
    assert.deepEqual(allocateMany([{ subnet: '10.5.0.9/32' }], 1), ['10.5.0.9']);
  });

  it('round robin with a cursor continues after the last address and wraps', () => {
    const config: IpamPoolConfig = { subnet: '10.1.0.0/29', gateway: '10.1.0.1' };
    const first = allocateAddress([config], { allocated: [], network });
    assert.deepEqual([first.address, first.next], ['10.1.0.2', '10.1.0.3']);
    // 10.1.0.2 was released; serial mode still moves on instead of reusing it.
    const second = allocateAddress([config], { allocated: [], cursor: first.next, network });
    assert.equal(second.address, '10.1.0.3');
    const wrapped = allocateAddress([config], { allocated: ['10.1.0.3', '10.1.0.4', '10.1.0.5'], cursor: '10.1.0.6', network });
    assert.equal(wrapped.address, '10.1.0.6');
    assert.equal(wrapped.next, '10.1.0.7');
    const afterWrap = allocateAddress([config], { allocated: ['10.1.0.3', '10.1.0.4', '10.1.0.5', '10.1.0.6'], cursor: wrapped.next, network });
    assert.equal(afterWrap.address, '10.1.0.2');
  });

  it('tries the next pool of the family when one is full', () => {
    const configs: IpamPoolConfig[] = [{ subnet: '10.1.0.0/30', gateway: '10.1.0.1' }, { subnet: 'fd00::/64', gateway: 'fd00::1' }, { subnet: '10.2.0.0/24', gateway: '10.2.0.1' }];
    assert.deepEqual(allocateMany(configs, 2), ['10.1.0.2', '10.2.0.2']);
    const v6 = allocateAddress(configs, { allocated: [], family: 6, network });
    assert.deepEqual(v6, { address: 'fd00::2', subnet: 'fd00::/64', prefixLength: 64, gateway: 'fd00::1', next: 'fd00::3' });
  });

  it('stays cheap in huge subnets: cost follows the allocated count, not the subnet size', () => {
    const allocated = Array.from({ length: 2000 }, (_, index) => `10.0.${Math.floor((index + 2) / 256)}.${(index + 2) % 256}`);
    assert.equal(allocateAddress([{ subnet: '10.0.0.0/8', gateway: '10.0.0.1' }], { allocated, network }).address, '10.0.7.210');
    assert.equal(allocateAddress([{ subnet: 'fd00::/64' }], { allocated: ['fd00::2'], family: 6, network }).address, 'fd00::3');
  });

  it('rejects corrupt stored allocations as a system error', () => {
    assert.throws(() => allocateAddress([custom1], { allocated: ['bogus'], network }), { kind: 'system', code: 'corrupt-allocation' });
  });
});

describe('requestAddress', () => {
  it('takes a specific address inside the subnet even outside the ip-range (S123)', () => {
    assert.deepEqual(requestAddress([custom1], '10.99.0.10', { allocated: [] }), {
      address: '10.99.0.10', subnet: '10.99.0.0/24', prefixLength: 24, gateway: '10.99.0.254',
    });
  });

  it('Address already in use, forbidden, for allocated and reserved addresses (S125)', () => {
    const config: IpamPoolConfig = { ...custom1, auxAddresses: { host: '10.99.0.7' } };
    for (const address of ['10.99.0.10', '10.99.0.254', '10.99.0.7', '10.99.0.0', '10.99.0.255']) {
      assert.throws(() => requestAddress([config], address, { allocated: ['10.99.0.10/24'] }), (error: unknown) => {
        assert.ok(error instanceof EngineError);
        assert.deepEqual([error.kind, error.code, error.message], ['forbidden', 'address-in-use', 'Address already in use']);
        return true;
      });
    }
  });

  it('refuses addresses outside every subnet and non-addresses', () => {
    assert.throws(() => requestAddress([custom1], '10.1.1.1', { allocated: [] }), {
      kind: 'invalid',
      message: "Invalid address 10.1.1.1: It does not belong to any of this network's subnets",
    });
    assert.throws(() => requestAddress([custom1], '; rm -rf /', { allocated: [] }), { kind: 'invalid', code: 'invalid-address' });
  });

  it('finds the pool of the right family', () => {
    const configs: IpamPoolConfig[] = [custom1, { subnet: 'fd00:dead:beef::/64' }];
    assert.equal(requestAddress(configs, 'FD00:DEAD:BEEF::10', { allocated: [] }).address, 'fd00:dead:beef::10');
    assert.throws(() => requestAddress(configs, 'fd00:dead:beef::1', { allocated: [] }), { code: 'address-in-use' });
  });
});

describe('gateways', () => {
  it('default gateway: first of the ip-range, none on point-to-point subnets', () => {
    assert.equal(defaultGateway({ subnet: '10.99.0.0/24' }), '10.99.0.1');
    assert.equal(defaultGateway({ subnet: '10.99.0.0/24', ipRange: '10.99.0.128/25' }), '10.99.0.128');
    assert.equal(defaultGateway({ subnet: '10.99.0.0/31' }), undefined);
    assert.equal(defaultGateway({ subnet: '2001:db8::/128' }), undefined);
    assert.equal(gatewayOf(custom1), '10.99.0.254');
    assert.equal(gatewayOf({ subnet: 'fd00::/64' }), 'fd00::1');
  });

  it('serial allocation option', () => {
    assert.equal(usesSerialAllocation({ 'com.docker.network.ipam.serial': 'true' }), true);
    assert.equal(usesSerialAllocation(null), false);
  });
});
