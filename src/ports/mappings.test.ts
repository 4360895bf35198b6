import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shownBindings, toPortMappings, withoutIpv6Twins } from './mappings.js';

const any4 = { containerPort: 80, protocol: 'tcp' as const, hostIp: '0.0.0.0', hostPort: 8080 };
const any6 = { ...any4, hostIp: '::', hostPort: 8081 };
const endpoint = { networkId: 'n', bridge: 'br-x', containerAddress: '172.18.0.2' };

test("'::' bindings are dropped without a container IPv6 address and kept with one", () => {
  assert.deepEqual(toPortMappings(endpoint, [any4, any6]).map((mapping) => mapping.hostIp), ['0.0.0.0']);
  const dual = toPortMappings({ ...endpoint, containerAddress6: 'fd00::2' }, [any4, any6]);
  assert.deepEqual(dual.map((mapping) => [mapping.hostIp, mapping.containerAddress6]), [['0.0.0.0', 'fd00::2'], ['::', 'fd00::2']]);
});

test("a 0.0.0.0 binding is shown with its '::' twin only when the container has IPv6", () => {
  assert.deepEqual(shownBindings([any4], false), [any4]);
  assert.deepEqual(shownBindings([any4], true), [any4, { ...any4, hostIp: '::' }]);
});

test('restoring drops the shown twins but keeps a real :: binding', () => {
  const shown = shownBindings([any4, any6], true);
  assert.deepEqual(withoutIpv6Twins(shown), [any4, any6]);
});

test("an explicit '::' binding on the same port is not shown twice", () => {
  const both = [any4, { ...any4, hostIp: '::' }];
  assert.deepEqual(shownBindings(both, true), both);
});
