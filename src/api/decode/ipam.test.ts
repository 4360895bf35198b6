import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError } from '../../errors/index.js';
import { decodeIpam } from './ipam.js';

function refuses(value: unknown, message: string): void {
  assert.throws(() => decodeIpam(value), (error: unknown) => {
    assert.ok(error instanceof EngineError, `expected EngineError, got ${String(error)}`);
    assert.deepEqual({ kind: error.kind, code: error.code, message: error.message }, { kind: 'invalid', code: 'request', message });
    return true;
  });
}

test('absent, null and empty mean the default driver with no configs', () => {
  const empty = { driver: 'default', options: {}, configs: [] };
  assert.deepEqual(decodeIpam(undefined), empty);
  assert.deepEqual(decodeIpam(null), empty);
  assert.deepEqual(decodeIpam({ Driver: '', Options: null, Config: null }), empty);
});

test('the wire shape becomes the typed request (--subnet, --ip-range, --gateway, --aux-address, --ipam-opt)', () => {
  const decoded = decodeIpam({
    Driver: 'default',
    Options: { foo: 'bar' },
    Config: [
      { Subnet: '10.99.0.0/24', IPRange: '10.99.0.128/25', Gateway: '10.99.0.254', AuxiliaryAddresses: { router: '10.99.0.1' } },
      { Subnet: 'fd00::/64', Gateway: '' },
      {},
    ],
  });
  assert.deepEqual(decoded, {
    driver: 'default',
    options: { foo: 'bar' },
    configs: [
      { subnet: '10.99.0.0/24', ipRange: '10.99.0.128/25', gateway: '10.99.0.254', auxAddresses: { router: '10.99.0.1' } },
      { subnet: 'fd00::/64' },
      {},
    ],
  });
});

test('AuxAddress (the Go field name) is read too; an empty map is no aux addresses', () => {
  assert.deepEqual(decodeIpam({ Config: [{ Subnet: '10.1.0.0/24', AuxAddress: { a: '10.1.0.9' } }] }).configs, [
    { subnet: '10.1.0.0/24', auxAddresses: { a: '10.1.0.9' } },
  ]);
  assert.deepEqual(decodeIpam({ Config: [{ Subnet: '10.1.0.0/24', AuxiliaryAddresses: {} }] }).configs, [{ subnet: '10.1.0.0/24' }]);
});

test('values are not judged here: an unknown driver or a bad CIDR passes to IPAM as given', () => {
  assert.deepEqual(decodeIpam({ Driver: 'nosuchipam', Config: [{ Subnet: '10.99.0/24' }] }), {
    driver: 'nosuchipam', options: {}, configs: [{ subnet: '10.99.0/24' }],
  });
});

test('wrong JSON types are 400s naming the field', () => {
  refuses('x', 'IPAM must be an object');
  refuses({ Driver: 1 }, 'IPAM.Driver must be a string');
  refuses({ Options: { a: 1 } }, 'IPAM.Options.a must be a string');
  refuses({ Config: 'x' }, 'IPAM.Config must be an array');
  refuses({ Config: [null] }, 'IPAM.Config[0] must be an object');
  refuses({ Config: [{}, []] }, 'IPAM.Config[1] must be an object');
  refuses({ Config: [{ Subnet: 10 }] }, 'IPAM.Config[0].Subnet must be a string');
  refuses({ Config: [{ Subnet: '10.1.0.0/24', Gateway: true }] }, 'IPAM.Config[0].Gateway must be a string');
  refuses({ Config: [{ Subnet: '10.1.0.0/24', AuxiliaryAddresses: 'a=1' }] }, 'IPAM.Config[0].AuxiliaryAddresses must be an object of strings');
  refuses({ Config: [{ Subnet: '10.1.0.0/24', AuxiliaryAddresses: { a: 1 } }] }, 'IPAM.Config[0].AuxiliaryAddresses.a must be a string');
});
