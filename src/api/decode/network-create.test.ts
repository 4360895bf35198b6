import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError } from '../../errors/index.js';
import { decodeNetworkCreate } from './network-create.js';

function refuses(body: unknown, message: string): void {
  assert.throws(() => decodeNetworkCreate(body), (error: unknown) => {
    assert.ok(error instanceof EngineError, `expected EngineError, got ${String(error)}`);
    assert.deepEqual({ kind: error.kind, code: error.code, message: error.message }, { kind: 'invalid', code: 'request', message });
    return true;
  });
}

test('decodes what the docker CLI sends (S058)', () => {
  const decoded = decodeNetworkCreate({
    Driver: 'bridge', Scope: '', IPAM: { Driver: 'default', Options: {}, Config: [] }, Internal: false, Attachable: false,
    Ingress: false, ConfigOnly: false, ConfigFrom: null, Options: {}, Labels: {}, Name: 'my_bridge', CheckDuplicate: true,
  });
  assert.deepEqual(decoded, {
    name: 'my_bridge', driver: 'bridge', internal: false, attachable: false, ingress: false, enableIPv6: false,
    configOnly: false, configFrom: '', scope: '', ipam: { driver: 'default', options: {}, configs: [] }, options: {}, labels: {},
  });
});

test('defaults for a minimal body', () => {
  const decoded = decodeNetworkCreate({ Name: 'x' });
  assert.equal(decoded.driver, 'bridge');
  assert.equal(decoded.internal, false);
  assert.deepEqual(decoded.options, {});
  assert.deepEqual(decoded.ipam, { driver: 'default', options: {}, configs: [] });
});

test('flags, options, labels and ConfigFrom are carried typed', () => {
  const decoded = decodeNetworkCreate({
    Name: 'n', Driver: 'macvlan', Internal: true, Attachable: true, EnableIPv6: true, ConfigFrom: { Network: 'base' },
    Options: { parent: 'eth0' }, Labels: { a: 'b' },
  });
  assert.equal(decoded.driver, 'macvlan');
  assert.equal(decoded.internal, true);
  assert.equal(decoded.attachable, true);
  assert.equal(decoded.enableIPv6, true);
  assert.equal(decoded.configFrom, 'base');
  assert.deepEqual(decoded.options, { parent: 'eth0' });
  assert.deepEqual(decoded.labels, { a: 'b' });
});

test('wrong types are 400s naming the field', () => {
  refuses([], 'request body must be a JSON object');
  refuses(null, 'request body must be a JSON object');
  refuses({ Name: 1 }, 'Name must be a string');
  refuses({ Name: 'x', Internal: 'yes' }, 'Internal must be a boolean');
  refuses({ Name: 'x', Options: { a: 1 } }, 'Options.a must be a string');
  refuses({ Name: 'x', Labels: [] }, 'Labels must be an object of strings');
  refuses({ Name: 'x', ConfigFrom: { Network: 5 } }, 'ConfigFrom.Network must be a string');
  refuses({ Name: 'x', IPAM: { Config: {} } }, 'IPAM.Config must be an array');
  refuses({ Name: 'x', IPAM: { Config: [{ Subnet: 5 }] } }, 'IPAM.Config[0].Subnet must be a string');
});
