import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerDnsScript } from './container-dns.js';

test('container DNS rules: DNAT 127.0.0.11:53 in output to the listeners in the namespace, drop 127/8 from outside', () => {
  const script = containerDnsScript({ address: '127.0.0.11', port: 40123 });
  assert.match(script, /^table ip conet_dns\ndelete table ip conet_dns\n/);
  assert.match(script, /type nat hook output priority -100;.*\n\t\tip daddr 127\.0\.0\.11 udp dport 53 dnat to 127\.0\.0\.11:40123\n\t\tip daddr 127\.0\.0\.11 tcp dport 53 dnat to 127\.0\.0\.11:40123\n/);
  assert.doesNotMatch(script, /masquerade/, 'nothing leaves the namespace');
  assert.match(script, /iifname != "lo" ip daddr 127\.0\.0\.0\/8 drop/);
});
