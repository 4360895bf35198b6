import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as packet from 'dns-packet';
import { FqdnGate, type FqdnElement, type FqdnRule } from './fqdn-gate.js';

const rule = (patterns: string[], nxdomain = false, id = 'p1'): FqdnRule => ({ policyId: id, patterns, set4: `fqdn4_${id}`, set6: `fqdn6_${id}`, nxdomain });

function response(answers: packet.Answer[]): Buffer {
  return packet.encode({ type: 'response', id: 1, flags: packet.RECURSION_AVAILABLE, questions: [{ type: 'A', name: 'q' }], answers });
}

function gate(rules: Record<string, FqdnRule[]>, options: { fail?: boolean; host?: string[]; minTtl?: number } = {}) {
  const written: FqdnElement[][] = [];
  const errors: unknown[] = [];
  let clock = 1_000_000;
  const fqdn = new FqdnGate({
    rules: { fqdnRulesFor: (address) => rules[address] ?? [] },
    sets: {
      addTimed: async (elements) => {
        if (options.fail) throw new Error('nft refused');
        written.push([...elements]);
      },
    },
    minTtlSeconds: options.minTtl ?? 30,
    hostAddresses: () => new Set(options.host ?? []),
    now: () => clock,
    onError: (error) => errors.push(error),
  });
  return { fqdn, written, errors, advance: (ms: number) => (clock += ms) };
}

test('a client no rule covers gets no gate; a policy covering several addresses counts once', async () => {
  assert.equal(gate({}).fqdn.forClient(['c1']), undefined);
  const { fqdn, written } = gate({ a1: [rule(['allowed.test'])], a2: [rule(['allowed.test'])] });
  await fqdn.forClient(['a1', 'a2', 'a3'])!.admit('allowed.test', response([{ type: 'A', name: 'allowed.test', ttl: 60, data: '10.0.0.1' }]));
  assert.deepEqual(written, [[{ set: 'fqdn4_p1', address: '10.0.0.1', timeoutSeconds: 60 }]]);
});

test('allowed addresses go to every covering policy set, TTL floored at fqdn-min-ttl', async () => {
  const { fqdn, written } = gate({ c1: [rule(['allowed.test']), rule(['*.test'], false, 'p2')] }, { minTtl: 30 });
  const client = fqdn.forClient(['c1']);
  assert.ok(client);
  const ok = await client.admit('allowed.test', response([{ type: 'A', name: 'allowed.test', ttl: 5, data: '10.0.0.1' }, { type: 'AAAA', name: 'allowed.test', ttl: 300, data: 'fd00::9' }]));
  assert.equal(ok, true);
  assert.deepEqual(written, [[
    { set: 'fqdn4_p1', address: '10.0.0.1', timeoutSeconds: 30 },
    { set: 'fqdn6_p1', address: 'fd00::9', timeoutSeconds: 300 },
    { set: 'fqdn4_p2', address: '10.0.0.1', timeoutSeconds: 30 },
    { set: 'fqdn6_p2', address: 'fd00::9', timeoutSeconds: 300 },
  ]]);
});

test('a shorter answer never shortens what an element still has; after expiry it does', async () => {
  const { fqdn, written, advance } = gate({ c1: [rule(['allowed.test'])] }, { minTtl: 1 });
  const client = fqdn.forClient(['c1'])!;
  const answer = (ttl: number) => response([{ type: 'A', name: 'allowed.test', ttl, data: '10.0.0.1' }]);
  await client.admit('allowed.test', answer(100));
  advance(10_000);
  await client.admit('allowed.test', answer(5));
  advance(100_000);
  await client.admit('allowed.test', answer(5));
  assert.deepEqual(written.map((batch) => batch[0]?.timeoutSeconds), [100, 90, 5]);
});

test('rebinding answers and names outside the list add nothing', async () => {
  const { fqdn, written } = gate({ c1: [rule(['allowed.test'])] }, { host: ['192.0.2.1'] });
  const client = fqdn.forClient(['c1'])!;
  for (const data of ['127.0.0.1', '169.254.169.254', '0.0.0.0', '224.0.0.1', '192.0.2.1']) {
    assert.equal(await client.admit('allowed.test', response([{ type: 'A', name: 'allowed.test', ttl: 60, data }])), true);
  }
  await client.admit('blocked.test', response([{ type: 'A', name: 'blocked.test', ttl: 60, data: '10.0.0.2' }]));
  await client.admit('allowed.test', Buffer.from('garbage'));
  assert.deepEqual(written, []);
});

test('nxdomain: only when a covering rule asks for it, and only for names outside every list', () => {
  const { fqdn } = gate({ c1: [rule(['allowed.test'], true), rule(['*.example.com'], false, 'p2')], c2: [rule(['allowed.test'])] });
  const strict = fqdn.forClient(['c1'])!;
  assert.equal(strict.refuses('blocked.test'), true);
  assert.equal(strict.refuses('ALLOWED.test.'), false);
  assert.equal(strict.refuses('api.example.com'), false);
  assert.equal(fqdn.forClient(['c2'])!.refuses('blocked.test'), false);
});

test('a failed insertion is reported and answers false', async () => {
  const { fqdn, errors } = gate({ c1: [rule(['allowed.test'])] }, { fail: true });
  const ok = await fqdn.forClient(['c1'])!.admit('allowed.test', response([{ type: 'A', name: 'allowed.test', ttl: 60, data: '10.0.0.1' }]));
  assert.equal(ok, false);
  assert.equal(errors.length, 1);
});
