import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeNetworkCreate } from './network-request.js';

test('decodes what the docker CLI sends (S058)', () => {
  const decoded = decodeNetworkCreate({
    Driver: 'bridge', Scope: '', IPAM: { Driver: 'default', Options: {}, Config: [] }, Internal: false, Attachable: false,
    Ingress: false, ConfigOnly: false, ConfigFrom: null, Options: {}, Labels: {}, Name: 'my_bridge', CheckDuplicate: true,
  });
  assert.equal(decoded.name, 'my_bridge');
  assert.equal(decoded.driver, 'bridge');
  assert.deepEqual(decoded.ipam, { Driver: 'default', Options: {}, Config: [] });
});

test('defaults for a minimal body', () => {
  const decoded = decodeNetworkCreate({ Name: 'x' });
  assert.equal(decoded.driver, 'bridge');
  assert.equal(decoded.internal, false);
  assert.deepEqual(decoded.options, {});
});

test('wrong types are 400s', () => {
  assert.throws(() => decodeNetworkCreate([]), /JSON object/);
  assert.throws(() => decodeNetworkCreate({ Name: 1 }), /Name must be a string/);
  assert.throws(() => decodeNetworkCreate({ Name: 'x', Options: { a: 1 } }), /Options.a must be a string/);
  assert.throws(() => decodeNetworkCreate({ Name: 'x', IPAM: { Config: {} } }), /IPAM.Config must be an array/);
  assert.throws(() => decodeNetworkCreate({ Name: 'x', IPAM: { Config: [{ Subnet: 5 }] } }), /Subnet must be a string/);
});
