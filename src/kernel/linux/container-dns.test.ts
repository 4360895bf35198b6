import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerDnsScript } from './container-dns.js';

test('container DNS rules: DNAT 127.0.0.11:53 in output, masquerade loopback sources out, drop 127/8 from outside', () => {
  const script = containerDnsScript({ address: '172.18.0.1', port: 40123 });
  assert.match(script, /^table ip conet_dns\ndelete table ip conet_dns\n/);
  assert.match(script, /type nat hook output priority -100;.*\n\t\tip daddr 127\.0\.0\.11 udp dport 53 dnat to 172\.18\.0\.1:40123\n\t\tip daddr 127\.0\.0\.11 tcp dport 53 dnat to 172\.18\.0\.1:40123\n/);
  assert.match(script, /oifname != "lo" ip saddr 127\.0\.0\.0\/8 masquerade/);
  assert.match(script, /iifname != "lo" ip daddr 127\.0\.0\.0\/8 drop/);
});
