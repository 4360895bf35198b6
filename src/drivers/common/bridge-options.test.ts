import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBridgeOptions } from './bridge-options.js';

const id = 'abcdef0123456789'.padEnd(64, '0');

test('defaults: br-<12 hex>, masquerade and icc on, host MTU', () => {
  assert.deepEqual(decodeBridgeOptions({ id, options: {} }, { mtu: 1500 }), {
    bridgeName: 'br-abcdef012345',
    masquerade: true,
    icc: true,
    hostBindingIpv4: '0.0.0.0',
    mtu: 1500,
    defaultBridge: false,
    routed4: false,
  });
});

test('gateway_mode_ipv4: nat (default) or routed; anything else is a 400 naming the option', () => {
  const mode = (value: string) => decodeBridgeOptions({ id, options: { 'com.docker.network.bridge.gateway_mode_ipv4': value } }, { mtu: 1500 }).routed4;
  assert.equal(mode('nat'), false);
  assert.equal(mode('routed'), true);
  for (const bad of ['ROUTED', 'nat-unprotected', 'isolated', 'routed\n', 'x']) {
    assert.throws(() => mode(bad), (error: Error & { kind?: string }) => error.kind === 'invalid' && /com\.docker\.network\.bridge\.gateway_mode_ipv4/.test(error.message), bad);
  }
});

test('Docker option keys are honoured', () => {
  const decoded = decodeBridgeOptions(
    {
      id,
      options: {
        'com.docker.network.bridge.name': 'mybr0',
        'com.docker.network.bridge.enable_ip_masquerade': 'false',
        'com.docker.network.bridge.enable_icc': 'F',
        'com.docker.network.bridge.host_binding_ipv4': '127.0.0.1',
        'com.docker.network.driver.mtu': '1400',
      },
    },
    { mtu: 1500 },
  );
  assert.deepEqual(decoded, { bridgeName: 'mybr0', masquerade: false, icc: false, hostBindingIpv4: '127.0.0.1', mtu: 1400, defaultBridge: false, routed4: false });
});

test('values that could be read as syntax are refused', () => {
  const bad: Array<[string, string, RegExp]> = [
    ['com.docker.network.bridge.name', '; rm -rf /', /invalid bridge name/],
    ['com.docker.network.bridge.name', 'a"b', /invalid bridge name/],
    ['com.docker.network.bridge.name', 'x'.repeat(16), /invalid bridge name/],
    ['com.docker.network.bridge.name', '..', /invalid bridge name/],
    ['com.docker.network.driver.mtu', '$(reboot)', /MTU/],
    ['com.docker.network.driver.mtu', '67', /MTU/],
    ['com.docker.network.driver.mtu', '70000', /MTU/],
    ['com.docker.network.bridge.enable_icc', 'yes', /enable_icc/],
    ['com.docker.network.bridge.host_binding_ipv4', '1.2.3.4; id', /host_binding_ipv4/],
    ['com.docker.network.bridge.host_binding_ipv4', '256.1.1.1', /host_binding_ipv4/],
  ];
  for (const [key, value, message] of bad) {
    assert.throws(() => decodeBridgeOptions({ id, options: { [key]: value } }, { mtu: 1500 }), message, `${key}=${value}`);
  }
});
