import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExecError } from '../../exec/index.js';
import { EngineError } from '../../errors/index.js';
import { LinuxNftables, parseTableListing } from './nft.js';

const listing = JSON.stringify({
  nftables: [
    { metainfo: { version: '1.0.6', json_schema_version: 1 } },
    { table: { family: 'inet', name: 'conet', handle: 4 } },
    { set: { family: 'inet', name: 'bridges', table: 'conet', type: 'ifname', handle: 10, elem: ['conet0'] } },
    { map: { family: 'inet', name: 'forward-from-bridge', table: 'conet', type: 'ifname', map: 'verdict', handle: 11,
      elem: [['conet0', { goto: { target: 'net-3f2a9c1b7d4e-from' } }]] } },
    { chain: { family: 'inet', table: 'conet', name: 'filter-forward', handle: 1, type: 'filter', hook: 'forward', prio: 0, policy: 'accept' } },
    { rule: { family: 'inet', table: 'conet', chain: 'filter-forward', handle: 5, expr: [{ vmap: {} }] } },
  ],
});

describe('parseTableListing', () => {
  it('sorts nft -j objects by kind', () => {
    const parsed = parseTableListing(listing);
    assert.equal(parsed.table.name, 'conet');
    assert.deepEqual(parsed.chains.map((chain) => chain.name), ['filter-forward']);
    assert.equal(parsed.rules[0]?.chain, 'filter-forward');
    assert.deepEqual(parsed.sets[0]?.elem, ['conet0']);
    assert.equal(parsed.maps[0]?.map, 'verdict');
  });

  it('rejects output that is not a table listing', () => {
    assert.throws(() => parseTableListing('{"nftables": [{"metainfo": {}}]}'));
    assert.throws(() => parseTableListing('{}'));
    assert.throws(() => parseTableListing('not json'));
  });
});

describe('LinuxNftables', () => {
  const nft = new LinuxNftables();

  it('refuses names that would add nft syntax, before spawning anything', async () => {
    for (const name of ['conet; flush ruleset', 'a b', '', '$(reboot)']) {
      await assert.rejects(nft.deleteTable('inet', name), { kind: 'invalid', code: 'nft-invalid-table' });
      await assert.rejects(nft.listTable('inet', name), { kind: 'invalid' });
      await assert.rejects(nft.tableExists('inet', name), { kind: 'invalid' });
    }
    await assert.rejects(nft.deleteTable('ruleset', 'conet'), { kind: 'invalid', code: 'nft-invalid-family' });
  });

  it('reports a failed apply as a system error that keeps the ExecError', async () => {
    // nsenter can't open a namespace file that doesn't exist, so nothing reaches nft.
    const error = await nft.apply('add table inet conet\n', { netns: '/nonexistent/conet-netns' }).then(
      () => assert.fail('apply succeeded'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof EngineError);
    assert.equal(error.kind, 'system');
    assert.equal(error.code, 'nft-failed');
    assert.match(error.message, /^nft -f failed: /);
    assert.ok(error.cause instanceof ExecError);
  });

  it('does not mistake a missing namespace for a missing table', async () => {
    const missing = { netns: '/nonexistent/conet-netns' };
    await assert.rejects(nft.deleteTable('inet', 'conet', missing), { kind: 'system', code: 'nft-failed' });
    await assert.rejects(nft.listTable('inet', 'conet', missing), { kind: 'system', code: 'nft-failed' });
  });
});
