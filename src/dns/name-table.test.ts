import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressOfPtr, askerById, mayForward, resolveName, reverseName, type DnsEndpoint, type NameTable } from './name-table.js';

const endpoint = (containerId: string, name: string, ipv4: string, extra: Partial<DnsEndpoint> = {}): DnsEndpoint => ({
  containerId,
  name,
  aliases: [],
  hostname: containerId.slice(0, 12),
  ipv4,
  ipv6: '',
  ...extra,
});

const WEB = 'aaaaaaaaaaaa1111';
const CLIENT = 'bbbbbbbbbbbb2222';
const OTHER = 'cccccccccccc3333';
const BOTH = 'dddddddddddd4444';

const table: NameTable = {
  networks: [
    {
      id: 'na',
      name: 'a',
      internal: false,
      endpoints: [
        endpoint(WEB, 'web', '172.18.0.2', { aliases: ['web-alias'], hostname: 'webhost', ipv6: 'fd00::2' }),
        endpoint(CLIENT, 'client', '172.18.0.3'),
        endpoint(BOTH, 'both', '172.18.0.4'),
      ],
    },
    { id: 'nb', name: 'b', internal: false, endpoints: [endpoint(OTHER, 'other', '172.19.0.2'), endpoint(BOTH, 'both', '172.19.0.3')] },
    { id: 'ni', name: 'inside', internal: true, endpoints: [endpoint('eeeeeeeeeeee5555', 'secret', '172.20.0.2')] },
  ],
};

test('the asker is the container whose sockets took the query, with all its DNS networks', () => {
  assert.deepEqual(askerById(table, CLIENT)?.networks.map((network) => network.name), ['a']);
  assert.deepEqual(askerById(table, BOTH)?.networks.map((network) => network.name), ['a', 'b']);
  assert.equal(askerById(table, 'ffffffffffff9999'), undefined, 'a container with no DNS network gets no answer');
});

test('names: container name, alias, short id, hostname, NAME.NETWORK, case-insensitive, trailing dot', () => {
  const client = askerById(table, CLIENT);
  assert.ok(client);
  for (const name of ['web', 'WEB.', 'web-alias', 'aaaaaaaaaaaa', 'webhost', 'web.a']) {
    assert.deepEqual(resolveName(client, name, 4), { known: true, addresses: ['172.18.0.2'] }, name);
  }
  assert.deepEqual(resolveName(client, 'web', 6), { known: true, addresses: ['fd00::2'] });
  assert.deepEqual(resolveName(client, 'client', 6), { known: true, addresses: [] }, 'a name without v6 is NODATA, not forwarded');
  assert.deepEqual(resolveName(client, 'aaaaaaaa', 4), { known: false, addresses: [] }, 'only the 12-character short id');
  assert.deepEqual(resolveName(client, 'example.com', 4), { known: false, addresses: [] });
});

test('scoping: only networks shared with the target', () => {
  const client = askerById(table, CLIENT);
  const other = askerById(table, OTHER);
  const both = askerById(table, BOTH);
  assert.ok(client && other && both);
  assert.equal(resolveName(client, 'other', 4).known, false);
  assert.equal(resolveName(other, 'web', 4).known, false);
  assert.equal(resolveName(client, 'secret', 4).known, false);
  assert.deepEqual(resolveName(both, 'web', 4).addresses, ['172.18.0.2']);
  assert.deepEqual(resolveName(both, 'other', 4).addresses, ['172.19.0.2']);
  assert.deepEqual(resolveName(client, 'both', 4).addresses, ['172.18.0.4'], 'the address on the shared network only');
  assert.deepEqual(resolveName(other, 'both', 4).addresses, ['172.19.0.3']);
  assert.deepEqual(resolveName(both, 'both.b', 4).addresses, ['172.19.0.3']);
});

test('PTR: NAME.NETWORK for addresses on shared networks only', () => {
  const client = askerById(table, CLIENT);
  const other = askerById(table, OTHER);
  assert.ok(client && other);
  assert.equal(addressOfPtr('2.0.18.172.in-addr.arpa'), '172.18.0.2');
  assert.equal(addressOfPtr('2.0.18.172.in-addr.arpa.'), '172.18.0.2');
  assert.equal(addressOfPtr('2.0.18.999.in-addr.arpa'), undefined);
  assert.equal(addressOfPtr('2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa'), 'fd00::2');
  assert.equal(addressOfPtr('example.com'), undefined);
  assert.equal(reverseName(client, '172.18.0.2'), 'web.a');
  assert.equal(reverseName(client, 'fd00::2'), 'web.a');
  assert.equal(reverseName(other, '172.18.0.2'), undefined);
});

test('forwarding only for askers on some non-internal network', () => {
  const inside = askerById(table, 'eeeeeeeeeeee5555');
  const client = askerById(table, CLIENT);
  assert.ok(inside && client);
  assert.equal(mayForward(inside), false);
  assert.equal(mayForward(client), true);
  assert.equal(resolveName(inside, 'secret', 4).known, true);
});

test('--link NAME:ALIAS on a user-defined network: ALIAS means NAME for the linking container only', () => {
  const linked: NameTable = {
    networks: [{ id: 'na', name: 'a', internal: false, endpoints: [endpoint(WEB, 'web1', '172.18.0.2'), endpoint(CLIENT, 'client', '172.18.0.3', { links: [{ name: 'web1', alias: 'Web' }] }), endpoint(OTHER, 'other', '172.18.0.4')] }],
  };
  const client = askerById(linked, CLIENT);
  const other = askerById(linked, OTHER);
  assert.ok(client && other);
  assert.deepEqual(resolveName(client, 'web.', 4), { known: true, addresses: ['172.18.0.2'] });
  assert.deepEqual(resolveName(client, 'web1', 4), { known: true, addresses: ['172.18.0.2'] });
  assert.deepEqual(resolveName(other, 'web', 4), { known: false, addresses: [] }, 'another container does not see the alias');
});
