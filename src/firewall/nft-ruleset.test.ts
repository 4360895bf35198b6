import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FirewallNetwork } from './intent.js';
import { buildRuleset, deleteTableScript } from './nft-ruleset.js';
import { assertGolden, defaultBridge, networkId, threeNetworks } from './golden.test-support.js';

describe('buildRuleset', () => {
  it('builds an empty table with base chains and empty maps', () => {
    assertGolden('ruleset-0.nft', buildRuleset({ table: 'conet', networks: [] }));
  });

  it('builds the default bridge', () => {
    assertGolden('ruleset-1.nft', buildRuleset({ table: 'conet', networks: [defaultBridge] }));
  });

  it('builds internal, icc=false and masquerade=false networks', () => {
    assertGolden('ruleset-3.nft', buildRuleset({ table: 'conet', networks: threeNetworks }));
  });

  it('replaces the table in one transaction', () => {
    const lines = buildRuleset({ table: 'test_fw', networks: [] }).split('\n');
    assert.deepEqual(lines.slice(0, 3), ['add table inet test_fw', 'delete table inet test_fw', 'table inet test_fw {']);
  });

  it('grows by a constant number of lines per network, with no per-pair rules', () => {
    const networks = (count: number): FirewallNetwork[] =>
      Array.from({ length: count }, (_, index) => ({
        ...defaultBridge,
        id: networkId(index.toString(16).padStart(12, '0')),
        bridge: `br-${index}`,
        subnets4: [`10.${Math.floor(index / 256)}.${index % 256}.0/24`],
      }));
    const lineCount = (count: number): number => buildRuleset({ table: 'conet', networks: networks(count) }).split('\n').length;
    const perNetwork = lineCount(11) - lineCount(10);
    assert.ok(perNetwork > 0 && perNetwork <= 24, `${perNetwork} lines per network`);
    assert.equal(lineCount(100) - lineCount(10), 90 * perNetwork, 'linear in networks');
    assert.equal(lineCount(100) - lineCount(10), 90 * perNetwork);
    assert.equal(lineCount(300) - lineCount(100), 200 * perNetwork);
  });

  it('rejects two networks on one bridge', () => {
    const twin = { ...defaultBridge, id: networkId('ffffffffffff') };
    assert.throws(() => buildRuleset({ table: 'conet', networks: [defaultBridge, twin] }),
      { name: 'EngineError', kind: 'invalid', code: 'firewall-duplicate-bridge' });
  });

  it('rejects two networks whose chain names would collide', () => {
    const twin = { ...defaultBridge, bridge: 'other', id: `${defaultBridge.id.slice(0, 12)}${'f'.repeat(52)}` };
    assert.throws(() => buildRuleset({ table: 'conet', networks: [defaultBridge, twin] }),
      { kind: 'invalid', code: 'firewall-duplicate-network' });
  });
});

describe('deleteTableScript', () => {
  it('is idempotent by creating before deleting', () => {
    assert.equal(deleteTableScript('conet'), 'add table inet conet\ndelete table inet conet\n');
  });

  it('rejects table names that could carry syntax', () => {
    for (const name of ['conet; flush ruleset', '', '1abc', 'a b', 'x'.repeat(33)]) {
      assert.throws(() => deleteTableScript(name), { kind: 'invalid', code: 'firewall-invalid-table' }, name);
    }
  });
});
