import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conntrackArgv } from './conntrack.js';

test('conntrack argv: each field one flag, the family from the addresses', () => {
  assert.deepEqual(conntrackArgv({ replySource: '172.18.0.2', protocol: 'udp', destinationPort: 5353 }),
    ['conntrack', '-D', '-f', 'ipv4', '--reply-src', '172.18.0.2', '-p', 'udp', '--orig-port-dst', '5353']);
  assert.deepEqual(conntrackArgv({ source: 'fd00::2' }), ['conntrack', '-D', '-f', 'ipv6', '--orig-src', 'fd00::2']);
  assert.deepEqual(conntrackArgv({ protocol: 'udp', destinationPort: 53 }), ['conntrack', '-D', '-p', 'udp', '--orig-port-dst', '53']);
  assert.deepEqual(conntrackArgv({ family: 'ipv6', protocol: 'udp', destinationPort: 53 }), ['conntrack', '-D', '-f', 'ipv6', '-p', 'udp', '--orig-port-dst', '53']);
});

test('conntrack argv: hostile or empty filters are refused, never passed on', () => {
  const bad = [
    {},
    { source: '172.18.0.2\n-F' },
    { destination: '-F' },
    { source: '10.0.0.1', destination: 'fd00::1' },
    { protocol: 'udp' as const, destinationPort: 0 },
    { protocol: 'udp' as const, destinationPort: 70000 },
    { destinationPort: 53 },
    { protocol: 'icmp; x' as 'udp' },
    { family: 'ipv6' as const, source: '10.0.0.1' },
    { family: 'inet' as 'ipv4', protocol: 'udp' as const, destinationPort: 53 },
  ];
  for (const filter of bad) assert.throws(() => conntrackArgv(filter), (error: Error & { kind?: string }) => error.kind === 'invalid', JSON.stringify(filter));
});
