import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as packet from 'dns-packet';
import { answerQuery, type DnsClient, type ResolverDeps } from './resolver.js';
import type { NameTable } from './name-table.js';

const table: NameTable = {
  networks: [
    {
      id: 'na',
      name: 'a',
      internal: false,
      endpoints: [
        { containerId: 'web0000000001', name: 'web', aliases: [], hostname: '', ipv4: '172.18.0.2', ipv6: '' },
        { containerId: 'cli0000000001', name: 'cli', aliases: [], hostname: '', ipv4: '172.18.0.3', ipv6: '' },
      ],
    },
    { id: 'ni', name: 'i', internal: true, endpoints: [{ containerId: 'in00000000001', name: 'in', aliases: [], hostname: '', ipv4: '172.20.0.2', ipv6: '' }] },
  ],
};

function deps(forwarded: Buffer[] = []): ResolverDeps {
  return {
    table: () => table,
    upstreams: async () => ['192.0.2.53'],
    forward: async (query, _servers, client) => {
      forwarded.push(query);
      if (client.containerId === 'capped0000001') return undefined;
      const decoded = packet.decode(query);
      const name = decoded.questions?.[0]?.name ?? '';
      const answers = name.startsWith('big') ? Array.from({ length: 60 }, (_, index) => ({ type: 'A' as const, name, ttl: 1, data: `10.0.0.${index}` })) : [{ type: 'A' as const, name, ttl: 1, data: '10.9.9.9' }];
      return packet.encode({ type: 'response', id: decoded.id ?? 0, flags: packet.RECURSION_AVAILABLE, questions: decoded.questions ?? [], answers });
    },
  };
}

const query = (name: string, type: packet.RecordType = 'A'): Buffer => packet.encode({ type: 'query', id: 7, flags: packet.RECURSION_DESIRED, questions: [{ type, name }] });

async function ask(name: string, options: { type?: packet.RecordType; client?: DnsClient; transport?: 'udp' | 'tcp'; forwarded?: Buffer[] } = {}) {
  const answer = await answerQuery(query(name, options.type), options.client ?? { containerId: 'cli0000000001' }, options.transport ?? 'udp', deps(options.forwarded));
  if (!answer) return undefined;
  const decoded = packet.decode(answer);
  return { rcode: (decoded.flags ?? 0) & 0xf, tc: decoded.flag_tc, id: decoded.id, data: (decoded.answers ?? []).map((record) => String((record as { data?: unknown }).data)) };
}

test('container names are answered locally; NODATA for a missing family; PTR as NAME.NETWORK', async () => {
  const forwarded: Buffer[] = [];
  assert.deepEqual(await ask('web', { forwarded }), { rcode: 0, tc: false, id: 7, data: ['172.18.0.2'] });
  assert.deepEqual(await ask('web', { type: 'AAAA', forwarded }), { rcode: 0, tc: false, id: 7, data: [] });
  assert.deepEqual(await ask('2.0.18.172.in-addr.arpa', { type: 'PTR', forwarded }), { rcode: 0, tc: false, id: 7, data: ['web.a'] });
  assert.equal(forwarded.length, 0);
});

test('other names are forwarded; internal-only askers get SERVFAIL; strangers get nothing', async () => {
  const forwarded: Buffer[] = [];
  assert.deepEqual((await ask('example.com', { forwarded }))?.data, ['10.9.9.9']);
  assert.equal(forwarded.length, 1);
  assert.deepEqual(await ask('in', { client: { containerId: 'in00000000001' } }), { rcode: 0, tc: false, id: 7, data: ['172.20.0.2'] });
  assert.equal((await ask('example.com', { client: { containerId: 'in00000000001' } }))?.rcode, 2);
  assert.equal(await ask('web', { client: { containerId: 'gone00000001' } }), undefined);
  assert.equal(await answerQuery(Buffer.from('junk'), { containerId: 'cli0000000001' }, 'udp', deps()), undefined);
});

test('an answer too large for UDP is truncated (TC) for UDP clients, whole over TCP', async () => {
  assert.deepEqual(await ask('big.example.com'), { rcode: 0, tc: true, id: 7, data: [] });
  assert.equal((await ask('big.example.com', { transport: 'tcp' }))?.data.length, 60);
});

test("a query on a container's own sockets is that container's", async () => {
  assert.deepEqual(await ask('web', { client: { containerId: 'cli0000000001' } }), { rcode: 0, tc: false, id: 7, data: ['172.18.0.2'] });
  assert.deepEqual(await ask('3.0.18.172.in-addr.arpa', { type: 'PTR', client: { containerId: 'web0000000001' } }), { rcode: 0, tc: false, id: 7, data: ['cli.a'] });
  assert.equal((await ask('example.com', { client: { containerId: 'in00000000001' } }))?.rcode, 2, 'internal only: names, no forwarding');
  assert.equal(await ask('web', { client: { containerId: 'gone00000001' } }), undefined, 'a container no longer on any DNS network: silence');
});

test('the forwarder sees who asks; a refused forward (over the cap) is SERVFAIL at once', async () => {
  const capped: NameTable = { networks: [{ id: 'na', name: 'a', internal: false, endpoints: [{ containerId: 'capped0000001', name: 'capped', aliases: [], hostname: '', ipv4: '172.18.0.9', ipv6: '' }] }] };
  const answer = await answerQuery(query('example.com'), { containerId: 'capped0000001' }, 'udp', { ...deps(), table: () => capped });
  assert.equal(((packet.decode(answer ?? Buffer.alloc(0)).flags ?? 0) & 0xf), 2);
});
