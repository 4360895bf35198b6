import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRebinding } from './fqdn-rebinding.js';

test('loopback, link-local, unspecified, multicast, broadcast and the host own addresses are rebinding', () => {
  const host = new Set(['192.0.2.1', 'fd00::1']);
  for (const address of ['127.0.0.1', '127.9.9.9', '::1', '169.254.169.254', 'fe80::1', '0.0.0.0', '0.1.2.3', '::', '224.0.0.1', 'ff02::1', '255.255.255.255', '::ffff:127.0.0.1', '192.0.2.1', 'fd00::1', '::ffff:192.0.2.1', 'not-an-address']) {
    assert.equal(isRebinding(address, host), true, address);
  }
  for (const address of ['10.0.0.1', '172.18.0.5', '93.184.216.34', '2001:db8::5', 'fd00::2', '::ffff:10.0.0.1']) {
    assert.equal(isRebinding(address, host), false, address);
  }
});
