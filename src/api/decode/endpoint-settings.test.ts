import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEndpointSettings } from './endpoint-settings.js';

test('what the CLI sends for `network connect --ip --alias` (nulls for the rest)', () => {
  const settings = decodeEndpointSettings({ IPAMConfig: { IPv4Address: '172.30.0.50' }, Links: null, Aliases: ['db'], DriverOpts: null, GwPriority: 0 }, 'EndpointConfig');
  assert.deepEqual(settings, { aliases: ['db'], ipv4Address: '172.30.0.50', ipv6Address: '', macAddress: '' });
  assert.deepEqual(decodeEndpointSettings(undefined, 'EndpointConfig'), { aliases: [], ipv4Address: '', ipv6Address: '', macAddress: '' });
});

test('wrong shapes and bad MAC addresses are 400s naming the field', () => {
  assert.throws(() => decodeEndpointSettings('x', 'EndpointConfig'), { kind: 'invalid', message: 'EndpointConfig must be an object' });
  assert.throws(() => decodeEndpointSettings({ IPAMConfig: [] }, 'EndpointConfig'), { message: 'EndpointConfig.IPAMConfig must be an object' });
  assert.throws(() => decodeEndpointSettings({ Aliases: 'db' }, 'EndpointConfig'), { message: 'Aliases must be an array of strings' });
  assert.throws(() => decodeEndpointSettings({ MacAddress: 'zz:zz' }, 'EndpointConfig'), { kind: 'invalid', message: 'EndpointConfig.MacAddress: invalid MAC address: zz:zz' });
});
