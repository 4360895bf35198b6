import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError, type ErrorKind } from '../errors/engine-error.js';
import type { IpamConfigRequest, IpamRequest } from '../model/network.js';
import { resolveIpam, type ResolveIpamOptions } from './config.js';
import { toDockerIpamConfig } from '../api/render/ipam.js';

const base: ResolveIpamOptions = { existingSubnets: ['172.17.0.0/16'], avoid: [], enableIPv6: false };
const ipam = (...configs: IpamConfigRequest[]): Pick<IpamRequest, 'driver' | 'configs'> => ({ driver: 'default', configs });

function rejects(request: Pick<IpamRequest, 'driver' | 'configs'>, expected: { kind: ErrorKind; code: string; message: string }, options = base): void {
  assert.throws(() => resolveIpam(request, options), (error: unknown) => {
    assert.ok(error instanceof EngineError, `expected EngineError, got ${String(error)}`);
    assert.deepEqual({ kind: error.kind, code: error.code, message: error.message }, expected);
    return true;
  });
}

describe('resolveIpam: completing requests', () => {
  it('no config: picks from the pools with the first host as gateway (S058/S061)', () => {
    const configs = resolveIpam(ipam(), base);
    assert.deepEqual(configs, [{ subnet: '172.18.0.0/16', gateway: '172.18.0.1', autoSubnet: true, autoGateway: true }]);
    assert.deepEqual(configs.map(toDockerIpamConfig), [{ Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }]);
  });

  it('the "" driver, empty entries and empty strings mean defaults', () => {
    assert.equal(resolveIpam({ driver: '', configs: [] }, base)[0]?.subnet, '172.18.0.0/16');
    assert.deepEqual(resolveIpam(ipam({}), base).map((config) => config.subnet), ['172.18.0.0/16']);
    assert.deepEqual(resolveIpam(ipam({ subnet: '', ipRange: '', gateway: '' }), base).map((config) => config.subnet), ['172.18.0.0/16']);
  });

  it('custom1: subnet, gateway and ip-range are kept as given (S120/S121)', () => {
    const configs = resolveIpam(
      ipam({ subnet: '10.99.0.0/24', ipRange: '10.99.0.128/25', gateway: '10.99.0.254' }),
      base,
    );
    assert.deepEqual(configs, [
      { subnet: '10.99.0.0/24', ipRange: '10.99.0.128/25', gateway: '10.99.0.254', autoSubnet: false, autoGateway: false },
    ]);
    assert.deepEqual(toDockerIpamConfig(configs[0]!), { Subnet: '10.99.0.0/24', IPRange: '10.99.0.128/25', Gateway: '10.99.0.254' });
  });

  it('tiny: a user subnet without gateway gets the first host, which inspect hides (S131/S139)', () => {
    const [config] = resolveIpam(ipam({ subnet: '10.97.0.0/30' }), base);
    assert.deepEqual(config, { subnet: '10.97.0.0/30', gateway: '10.97.0.1', autoSubnet: false, autoGateway: true });
    assert.deepEqual(toDockerIpamConfig(config!), { Subnet: '10.97.0.0/30' });
  });

  it('normalises host bits and address spelling', () => {
    const [config] = resolveIpam(ipam({ subnet: '10.99.0.5/24' }), base);
    assert.equal(config?.subnet, '10.99.0.0/24');
    assert.equal(config?.gateway, '10.99.0.1');
    const [v6] = resolveIpam(ipam({ subnet: 'FD00:DEAD:BEEF:0::1/64' }), { ...base, enableIPv6: true }).slice(1);
    assert.deepEqual(v6, { subnet: 'fd00:dead:beef::/64', gateway: 'fd00:dead:beef::1', autoSubnet: false, autoGateway: true });
  });

  it('default gateway is the first address of the ip-range, as Docker allocates it', () => {
    const [config] = resolveIpam(ipam({ subnet: '10.99.0.0/24', ipRange: '10.99.0.128/25' }), base);
    assert.equal(config?.gateway, '10.99.0.128');
    const [low] = resolveIpam(ipam({ subnet: '10.99.0.0/24', ipRange: '10.99.0.0/25' }), base);
    assert.equal(low?.gateway, '10.99.0.1');
  });

  it('default gateway skips auxiliary addresses', () => {
    const [config] = resolveIpam(ipam({ subnet: '10.99.0.0/24', auxAddresses: { router: '10.99.0.1' } }), base);
    assert.equal(config?.gateway, '10.99.0.2');
    assert.deepEqual(config?.auxAddresses, { router: '10.99.0.1' });
  });

  it('/31 and /32 get no gateway', () => {
    for (const subnet of ['10.5.0.0/31', '10.5.0.9/32']) {
      const [config] = resolveIpam(ipam({ subnet }), base);
      assert.equal(config?.gateway, undefined);
      assert.equal(Object.hasOwn(config!, 'gateway'), false);
    }
  });

  it('v6net: an IPv6 subnet with --ipv6 comes after a picked IPv4 subnet (S137/S139)', () => {
    const configs = resolveIpam(ipam({ subnet: 'fd00:dead:beef::/64' }), { ...base, enableIPv6: true });
    assert.deepEqual(configs.map(toDockerIpamConfig), [
      { Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' },
      { Subnet: 'fd00:dead:beef::/64' },
    ]);
  });

  it('several subnets of both families keep IPv4 first, each in given order', () => {
    const configs = resolveIpam(
      ipam({ subnet: '2001:db8:1::/64' }, { subnet: '10.1.0.0/24' }, { subnet: '2001:db8:2::/64' }, { subnet: '10.2.0.0/24' }),
      { ...base, enableIPv6: true },
    );
    assert.deepEqual(configs.map((config) => config.subnet), ['10.1.0.0/24', '10.2.0.0/24', '2001:db8:1::/64', '2001:db8:2::/64']);
  });

  it('uses custom pools and avoids host routes when picking', () => {
    const pools = [{ base: '10.10.0.0/16', size: 24 }];
    assert.equal(resolveIpam(ipam(), { ...base, pools, avoid: ['10.10.0.0/24'] })[0]?.subnet, '10.10.1.0/24');
    assert.equal(resolveIpam(ipam(), { ...base, existingSubnets: ['172.17.0.0/16', '172.18.0.0/16', 'fd00::/8'] })[0]?.subnet, '172.19.0.0/16');
  });

  it('user subnets may overlap host routes (only picks avoid them)', () => {
    assert.equal(resolveIpam(ipam({ subnet: '10.200.0.0/24' }), { ...base, avoid: ['10.200.0.0/24'] })[0]?.subnet, '10.200.0.0/24');
  });
});

describe('resolveIpam: refusals', () => {
  it('overlap with an existing network: forbidden with Docker message (S130)', () => {
    rejects(
      ipam({ subnet: '10.99.0.0/16' }),
      { kind: 'forbidden', code: 'pool-overlap', message: 'Pool overlaps with other one on this address space' },
      { ...base, existingSubnets: ['172.17.0.0/16', '10.99.0.0/24'] },
    );
    rejects(
      ipam({ subnet: '172.17.5.0/24' }),
      { kind: 'forbidden', code: 'pool-overlap', message: 'Pool overlaps with other one on this address space' },
    );
  });

  it('entries overlapping each other', () => {
    rejects(ipam({ subnet: '10.0.0.0/16' }, { subnet: '10.0.1.0/24' }), {
      kind: 'invalid',
      code: 'overlapping-subnets',
      message: 'multiple overlapping subnet configuration is not supported: 10.0.0.0/16 and 10.0.1.0/24',
    });
  });

  it('invalid CIDRs, quoted in the message', () => {
    for (const subnet of ['10.99.0/24', '300.1.1.1/24', '10.0.0.0/33', '; rm -rf /', '$(reboot)']) {
      rejects(ipam({ subnet }), { kind: 'invalid', code: 'invalid-cidr', message: `invalid CIDR address: ${subnet}` });
    }
    rejects(ipam({ subnet: '10.99.0.0/24', ipRange: '10.99.0/25' }), {
      kind: 'invalid', code: 'invalid-cidr', message: 'invalid CIDR address: 10.99.0/25',
    });
  });

  it('invalid gateway and aux addresses', () => {
    rejects(ipam({ subnet: '10.99.0.0/24', gateway: 'foo' }), { kind: 'invalid', code: 'invalid-address', message: 'invalid IP address: "foo"' });
    rejects(ipam({ subnet: '10.99.0.0/24', auxAddresses: { a: '$(reboot)' } }), {
      kind: 'invalid', code: 'invalid-address', message: 'invalid IP address: "$(reboot)"',
    });
  });

  it('gateway outside its subnet, or on the network / broadcast address', () => {
    rejects(ipam({ subnet: '10.99.0.0/24', gateway: '10.1.1.1' }), {
      kind: 'invalid', code: 'address-not-in-subnet', message: 'invalid gateway address 10.1.1.1: not in subnet 10.99.0.0/24',
    });
    rejects(ipam({ subnet: '10.99.0.0/24', gateway: '10.99.0.0' }), {
      kind: 'invalid', code: 'reserved-address', message: 'invalid gateway address 10.99.0.0: it is the network address of 10.99.0.0/24',
    });
    rejects(ipam({ subnet: '10.99.0.0/24', gateway: '10.99.0.255' }), {
      kind: 'invalid', code: 'reserved-address', message: 'invalid gateway address 10.99.0.255: it is the broadcast address of 10.99.0.0/24',
    });
    rejects(ipam({ subnet: 'fd00::/64', gateway: 'fd00::' }), {
      kind: 'invalid', code: 'reserved-address', message: 'invalid gateway address fd00::: it is the network address of fd00::/64',
    }, { ...base, enableIPv6: true });
    rejects(ipam({ subnet: '10.99.0.0/24', gateway: 'fd00::1' }), {
      kind: 'invalid', code: 'address-not-in-subnet', message: 'invalid gateway address fd00::1: not in subnet 10.99.0.0/24',
    });
  });

  it('a /31 has no reserved addresses, so either may be the gateway', () => {
    assert.equal(resolveIpam(ipam({ subnet: '10.5.0.0/31', gateway: '10.5.0.0' }), base)[0]?.gateway, '10.5.0.0');
  });

  it('ip-range outside its subnet', () => {
    rejects(ipam({ subnet: '10.99.0.0/24', ipRange: '10.1.0.0/25' }), {
      kind: 'invalid', code: 'range-not-in-subnet', message: 'invalid ip-range 10.1.0.0/25: not in subnet 10.99.0.0/24',
    });
    rejects(ipam({ subnet: '10.99.0.0/24', ipRange: '10.99.0.0/23' }), {
      kind: 'invalid', code: 'range-not-in-subnet', message: 'invalid ip-range 10.99.0.0/23: not in subnet 10.99.0.0/24',
    });
  });

  it('aux address outside the subnet, on a reserved address or on the gateway', () => {
    rejects(ipam({ subnet: '10.99.0.0/24', auxAddresses: { host1: '10.1.1.1' } }), {
      kind: 'invalid', code: 'address-not-in-subnet', message: 'invalid auxiliary address "host1"=10.1.1.1: not in subnet 10.99.0.0/24',
    });
    rejects(ipam({ subnet: '10.99.0.0/24', gateway: '10.99.0.1', auxAddresses: { r: '10.99.0.1' } }), {
      kind: 'invalid', code: 'reserved-address', message: 'invalid auxiliary address "r"=10.99.0.1: it is the gateway address of 10.99.0.0/24',
    });
    rejects(ipam({ subnet: '10.99.0.0/24', auxAddresses: { b: '10.99.0.255' } }), {
      kind: 'invalid', code: 'reserved-address', message: 'invalid auxiliary address "b"=10.99.0.255: it is the broadcast address of 10.99.0.0/24',
    });
  });

  it('ip-range, gateway or aux without a subnet', () => {
    rejects(ipam({ gateway: '10.1.1.1' }), {
      kind: 'invalid', code: 'missing-subnet', message: 'invalid IPAM config: gateway 10.1.1.1 given without a subnet (use --subnet)',
    });
    rejects(ipam({ ipRange: '10.1.1.0/25' }), {
      kind: 'invalid', code: 'missing-subnet', message: 'invalid IPAM config: ip-range 10.1.1.0/25 given without a subnet (use --subnet)',
    });
    rejects(ipam({ auxAddresses: { a: '10.1.1.1' } }), {
      kind: 'invalid', code: 'missing-subnet', message: 'invalid IPAM config: auxiliary addresses given without a subnet (use --subnet)',
    });
  });

  it('IPv6 subnet without --ipv6', () => {
    rejects(ipam({ subnet: '2001:db8::/64' }), {
      kind: 'invalid', code: 'ipv6-not-enabled', message: 'IPv6 subnet 2001:db8::/64 given but IPv6 is not enabled (use --ipv6)',
    });
  });

  it('--ipv6 without an IPv6 subnet fails like Docker 20.10 (no IPv6 default pools)', () => {
    rejects(ipam(), {
      kind: 'system',
      code: 'pool-exhausted',
      message: 'could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network',
    }, { ...base, enableIPv6: true });
  });

  it('IPAM drivers other than default: not found, as Docker reports a missing plugin', () => {
    rejects({ driver: 'foo', configs: [] }, { kind: 'not-found', code: 'ipam-driver-not-found', message: 'plugin "foo" not found' });
  });
});
