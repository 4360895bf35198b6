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

test('GwPriority, the ifname driver option and a MAC address are decoded for both doors', () => {
  const settings = decodeEndpointSettings({ GwPriority: 10, DriverOpts: { 'com.docker.network.endpoint.ifname': 'uplink0' }, MacAddress: '02:42:AC:11:00:09' }, 'EndpointConfig');
  assert.deepEqual(settings, { aliases: [], ipv4Address: '', ipv6Address: '', macAddress: '02:42:ac:11:00:09', gwPriority: 10, driverOpts: { 'com.docker.network.endpoint.ifname': 'uplink0' } });
  assert.equal(decodeEndpointSettings({ GwPriority: -5 }, 'EndpointConfig').gwPriority, -5);
});

test('other endpoint driver options, bad interface names and non-integer priorities are 400s', () => {
  assert.throws(() => decodeEndpointSettings({ DriverOpts: { 'com.docker.network.endpoint.sysctls': 'x=1' } }, 'EndpointConfig'), {
    kind: 'invalid', message: /EndpointConfig\.DriverOpts\.com\.docker\.network\.endpoint\.sysctls/,
  });
  assert.throws(() => decodeEndpointSettings({ DriverOpts: { 'com.docker.network.endpoint.ifname': 'a/b' } }, 'EndpointConfig'), { kind: 'invalid', message: /invalid interface name/ });
  assert.throws(() => decodeEndpointSettings({ DriverOpts: { 'com.docker.network.endpoint.ifname': 'x'.repeat(16) } }, 'EndpointConfig'), { kind: 'invalid' });
  assert.throws(() => decodeEndpointSettings({ GwPriority: 1.5 }, 'EndpointConfig'), { kind: 'invalid', message: 'EndpointConfig.GwPriority must be an integer' });
  assert.throws(() => decodeEndpointSettings({ GwPriority: '1' }, 'EndpointConfig'), { kind: 'invalid' });
});

test('connect keeps --link NAME:ALIAS on the endpoint request (compose v1 sends its links there); --link-local-ip is refused', () => {
  const settings = decodeEndpointSettings({ Links: ['sink_web_1:legacy', '/db', 'sink_web_1:legacy'], Aliases: ['client'] }, 'EndpointConfig');
  assert.deepEqual(settings.links, [{ name: 'sink_web_1', alias: 'legacy' }, { name: 'db', alias: 'db' }]);
  assert.equal(decodeEndpointSettings({ Links: null }, 'EndpointConfig').links, undefined);
  assert.throws(() => decodeEndpointSettings({ Links: ['a:b:c'] }, 'EndpointConfig'), { kind: 'invalid', message: /^invalid EndpointConfig\.Links \(--link\) "a:b:c"/ });
  assert.throws(() => decodeEndpointSettings({ Links: ['../etc'] }, 'EndpointConfig'), { kind: 'invalid' });
  assert.throws(() => decodeEndpointSettings({ Links: 'web' }, 'EndpointConfig'), { kind: 'invalid', message: 'EndpointConfig.Links must be an array of strings' });
  // The create door merges endpoint links into HostConfig.Links (links.ts) instead.
  assert.equal(decodeEndpointSettings({ Links: ['web:w'] }, 'EndpointsConfig.front', true).links, undefined);
  assert.throws(() => decodeEndpointSettings({ IPAMConfig: { LinkLocalIPs: ['169.254.0.9'] } }, 'EndpointConfig'), { message: /IPAMConfig\.LinkLocalIPs \(--link-local-ip\)/ });
  assert.doesNotThrow(() => decodeEndpointSettings({ Links: null, IPAMConfig: { LinkLocalIPs: [] } }, 'EndpointConfig'));
});
