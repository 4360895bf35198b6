/** The resolver with an FQDN gate: NXDOMAIN, addresses in before the answer, hostile packets. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as packet from 'dns-packet';
import fc from 'fast-check';
import { FqdnGate, type FqdnElement, type FqdnRule } from './fqdn-gate.js';
import { answerQuery, type ResolverDeps } from './resolver.js';
import type { NameTable } from './name-table.js';

const table: NameTable = {
  networks: [{ id: 'na', name: 'a', internal: false, endpoints: [{ containerId: 'cli0000000001', name: 'cli', aliases: [], hostname: '', ipv4: '172.18.0.3', ipv6: '' }] }],
};
const client = { containerId: 'cli0000000001' };
const rules: FqdnRule[] = [{ policyId: 'p1', patterns: ['allowed.test', '*.allowed.test'], set4: 'fqdn4_p1', set6: 'fqdn6_p1', nxdomain: true }];

function harness(upstream: (query: Buffer) => Buffer | undefined, options: { fail?: boolean } = {}) {
  const events: string[] = [];
  const added: FqdnElement[] = [];
  const gate = new FqdnGate({
    rules: { fqdnRulesFor: (address) => (address === '172.18.0.3' ? rules : []) },
    sets: {
      addTimed: async (elements) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (options.fail) throw new Error('nft refused');
        added.push(...elements);
        events.push('added');
      },
    },
    minTtlSeconds: 2,
    hostAddresses: () => new Set(['172.18.0.1']),
  });
  const deps: ResolverDeps = {
    table: () => table,
    upstreams: async () => ['192.0.2.53'],
    forward: async (query) => upstream(query),
    fqdn: (addresses) => gate.forClient(addresses),
  };
  const ask = async (name: string) => {
    const query = packet.encode({ type: 'query', id: 9, flags: packet.RECURSION_DESIRED, questions: [{ type: 'A', name }] });
    const answer = await answerQuery(query, client, 'udp', deps);
    events.push('answered');
    return answer ? packet.decode(answer) : undefined;
  };
  return { ask, events, added, deps };
}

const answerWith = (data: string, ttl = 1) => (query: Buffer) => {
  const decoded = packet.decode(query);
  const name = decoded.questions?.[0]?.name ?? '';
  return packet.encode({ type: 'response', id: decoded.id ?? 0, flags: packet.RECURSION_AVAILABLE, questions: decoded.questions ?? [], answers: [{ type: 'A', name, ttl, data }] });
};

test('an allowed answer is in the set before the client has it', async () => {
  const { ask, events, added } = harness(answerWith('10.0.0.1'));
  const answer = await ask('www.Allowed.test');
  assert.deepEqual(answer?.answers?.map((record) => (record as { data: string }).data), ['10.0.0.1']);
  assert.deepEqual(events, ['added', 'answered']);
  assert.deepEqual(added, [{ set: 'fqdn4_p1', address: '10.0.0.1', timeoutSeconds: 2 }]);
});

test('names outside the list: NXDOMAIN without a forward under nxdomain; local names still answered', async () => {
  let forwards = 0;
  const { ask, added } = harness((query) => (forwards += 1, answerWith('10.0.0.2')(query)));
  assert.equal(((await ask('blocked.test'))?.flags ?? 0) & 0xf, 3);
  assert.deepEqual((await ask('cli'))?.answers?.map((record) => (record as { data: string }).data), ['172.18.0.3']);
  assert.equal(forwards, 0);
  assert.deepEqual(added, []);
});

test('a rebinding answer goes back unchanged but adds nothing', async () => {
  const { ask, added } = harness(answerWith('127.0.0.1'));
  assert.deepEqual((await ask('allowed.test'))?.answers?.map((record) => (record as { data: string }).data), ['127.0.0.1']);
  assert.deepEqual(added, []);
});

test('an insertion that fails is SERVFAIL, not an answer the firewall would then refuse', async () => {
  const { ask } = harness(answerWith('10.0.0.3'), { fail: true });
  assert.equal(((await ask('allowed.test'))?.flags ?? 0) & 0xf, 2);
});

test('property: hostile queries and upstream answers never crash the resolver or reach the sets unchecked', async () => {
  const upstreamBytes = fc.oneof(
    fc.uint8Array({ maxLength: 600 }).map((bytes) => Buffer.from(bytes)),
    fc.record({ name: fc.constantFrom('allowed.test', 'x.allowed.test', 'blocked.test', 'ALLOWED.TEST.'), data: fc.ipV4(), ttl: fc.integer({ min: 0, max: 2 ** 31 }) }).map(({ name, data, ttl }) =>
      packet.encode({ type: 'response', id: 9, questions: [{ type: 'A', name }], answers: [{ type: 'CNAME', name, ttl, data: 'x.allowed.test' }, { type: 'A', name: 'x.allowed.test', ttl, data }] }),
    ),
  );
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), upstreamBytes, fc.boolean(), async (queryBytes, upstream, wellFormed) => {
      const { deps, added } = harness(() => upstream);
      const query = wellFormed ? packet.encode({ type: 'query', id: 9, questions: [{ type: 'A', name: 'allowed.test' }] }) : Buffer.from(queryBytes);
      await answerQuery(query, client, 'udp', deps);
      for (const element of added) {
        assert.match(element.address, /^\d{1,3}(\.\d{1,3}){3}$/);
        assert.ok(Number.isInteger(element.timeoutSeconds) && element.timeoutSeconds >= 2 && element.timeoutSeconds <= 86_400);
      }
    }),
    { numRuns: 300 },
  );
});
