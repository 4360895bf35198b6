import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addNetworkScript, removeNetworkScript } from './nft-network.js';
import { buildRuleset } from './nft-ruleset.js';
import { assertGolden, defaultBridge, threeNetworks } from './golden.test-support.js';

describe('addNetworkScript', () => {
  it('installs the default bridge', () => {
    assertGolden('add-default.nft', addNetworkScript('conet', defaultBridge));
  });

  it('installs a dual-stack icc=false network', () => {
    assertGolden('add-noicc.nft', addNetworkScript('conet', threeNetworks[1]!));
  });

  it('installs an internal network without a masquerade chain', () => {
    const script = addNetworkScript('conet', threeNetworks[0]!);
    assert.doesNotMatch(script, /masq/);
    assert.match(script, /add rule inet conet net-0a11e1a1b2c3-to drop\n/);
  });

  it('routed overlay: the other hosts\' slices may enter and are reached without masquerade', () => {
    const routed = { ...defaultBridge, bridge: 'ov-0123456789ab', subnets4: ['10.123.0.0/24'], subnets6: [], peerSubnets4: ['10.123.0.0/16'] };
    const script = addNetworkScript('conet', routed);
    const chain = /add rule inet conet (net-\S+)-to ip saddr 10\.123\.0\.0\/16 accept\n/.exec(script);
    assert.ok(chain, script);
    // Peers are accepted before the final drop, and skip masquerade before it applies.
    assert.ok(script.indexOf('-to ip saddr 10.123.0.0/16 accept') < script.indexOf('-to drop'));
    assert.ok(script.indexOf('-masq ip daddr 10.123.0.0/16 accept') < script.indexOf('-masq oifname != "ov-0123456789ab"'));
    assert.doesNotMatch(addNetworkScript('conet', { ...routed, internal: true }), /10\.123\.0\.0\/16/);
    const full = buildRuleset({ table: 'conet', networks: [routed] });
    assert.match(full, /ip saddr 10\.123\.0\.0\/16 accept/);
  });

  it('emits the same rules as a full rebuild', () => {
    const full = buildRuleset({ table: 'conet', networks: [defaultBridge] });
    for (const line of addNetworkScript('conet', defaultBridge).split('\n')) {
      const rule = /^add rule inet conet \S+ (.*)$/.exec(line);
      if (rule) assert.ok(full.includes(`\t\t${rule[1]}\n`), `rebuild lacks rule: ${rule[1]}`);
    }
  });
});

describe('removeNetworkScript', () => {
  it('removes every object of a network, idempotently', () => {
    assertGolden('remove-default.nft', removeNetworkScript('conet', defaultBridge));
  });

  it('needs only the id, bridge and subnets (for the hairpin elements)', () => {
    const { id, bridge, subnets4, subnets6 } = threeNetworks[2]!;
    const script = removeNetworkScript('conet', { id, bridge, subnets4, subnets6 });
    assert.equal(script, removeNetworkScript('conet', threeNetworks[2]!));
    for (const subnet of subnets4) assert.match(script, new RegExp(`delete element inet conet hairpin4 \\{ "${bridge}" \\. ${subnet.replace(/\./g, '\\.')} \\}`));
  });

  it('deletes map elements before the chains they point to', () => {
    const lines = removeNetworkScript('conet', defaultBridge).split('\n');
    const elementDeletes = lines.flatMap((line, index) => (line.startsWith('delete element') ? [index] : []));
    const lastElementDelete = Math.max(...elementDeletes);
    const firstChainDelete = lines.findIndex((line) => line.startsWith('delete chain'));
    assert.ok(lastElementDelete < firstChainDelete);
  });
});

describe('IPv6 masquerade', () => {
  const dual = { id: 'd0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f', bridge: 'br-d0a1b2c3d4e5', subnets4: ['172.20.0.0/16'], subnets6: ['fd00:1::/64'], masquerade: true, icc: true, internal: false };

  it('masquerades both families by default', () => {
    const script = addNetworkScript('conet', dual);
    assert.match(script, /ip saddr 172\.20\.0\.0\/16 masquerade/);
    assert.match(script, /ip6 saddr fd00:1::\/64 masquerade/);
  });

  it('masquerade6=false (ip6-masq) keeps only the IPv4 rule', () => {
    const script = addNetworkScript('conet', { ...dual, masquerade6: false });
    assert.match(script, /ip saddr 172\.20\.0\.0\/16 masquerade/);
    assert.doesNotMatch(script, /ip6 saddr fd00:1::\/64 masquerade/);
  });

  it('a v6-only network with masquerade6=false has no masquerade chain', () => {
    const script = addNetworkScript('conet', { ...dual, subnets4: [], masquerade6: false });
    assert.doesNotMatch(script, /masq/);
  });
});
