/** NftTimedSets against the real nft: timed elements, batching, a missing set failing only its callers, expiry. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NftTimedSets } from '../../src/kernel/linux/timed-sets.js';
import { execIn, NetnsSandbox } from '../helpers/netns.js';

const LONG = `fqdn4_${'ab'.repeat(32)}`;
const SETS = `set fqdn4_p1 { type ipv4_addr; flags timeout; }; set fqdn6_p1 { type ipv6_addr; flags timeout; }; set ${LONG} { type ipv4_addr; flags timeout; };`;

test('timed elements: added with their timeout, batched, refreshed, expired; a missing set fails only its caller', async () => {
  const namespaces = new NetnsSandbox('conet-t-tset');
  let sets: NftTimedSets | undefined;
  try {
    const ns = await namespaces.create('host');
    await execIn(ns, ['nft', `table inet conet { ${SETS} }`]);
    sets = new NftTimedSets('inet', 'conet', { netns: ns.path });
    const list = async (set: string) => (await execIn(ns, ['nft', 'list', 'set', 'inet', 'conet', set])).stdout;
    await sets.addTimed([{ set: 'fqdn4_p1', address: '10.1.0.1', timeoutSeconds: 30 }, { set: 'fqdn6_p1', address: 'fd00::1', timeoutSeconds: 40 }]);
    assert.match(await list('fqdn4_p1'), /10\.1\.0\.1 timeout 30s/);
    assert.match(await list('fqdn6_p1'), /fd00::1 timeout 40s/);
    // Concurrent callers, one of them naming a set that isn't there: the others still get in.
    const calls = Array.from({ length: 20 }, (_, index) => sets!.addTimed([{ set: 'fqdn4_p1', address: `10.2.0.${index}`, timeoutSeconds: 30 }]));
    const bad = sets.addTimed([{ set: 'fqdn4_gone', address: '10.3.0.1', timeoutSeconds: 30 }]);
    await Promise.all(calls);
    await assert.rejects(bad, /nft/);
    assert.equal((await list('fqdn4_p1')).match(/10\.2\.0\.\d+ timeout 30s/g)?.length, 20);
    // A policy's set: fqdn4_ and its 64-hex id.
    await sets.addTimed([{ set: LONG, address: '10.4.0.1', timeoutSeconds: 30 }]);
    assert.match(await list(LONG), /10\.4\.0\.1 timeout 30s/);
    // Adding again resets the timeout.
    await sets.addTimed([{ set: 'fqdn4_p1', address: '10.1.0.1', timeoutSeconds: 2 }]);
    assert.match(await list('fqdn4_p1'), /10\.1\.0\.1 timeout 2s/);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    assert.doesNotMatch(await list('fqdn4_p1'), /10\.1\.0\.1 /);
    // Nothing that isn't a set name, an address or a whole number of seconds reaches nft.
    await assert.rejects(sets.addTimed([{ set: 'x; flush ruleset', address: '10.1.0.1', timeoutSeconds: 3 }]), /invalid nft set/);
    await assert.rejects(sets.addTimed([{ set: 'fqdn4_p1', address: '10.1.0.1 }; flush ruleset', timeoutSeconds: 3 }]), /invalid address/);
    await assert.rejects(sets.addTimed([{ set: 'fqdn4_p1', address: '10.1.0.1', timeoutSeconds: 0.5 }]), /invalid timeout/);
  } finally {
    sets?.close();
    await namespaces.cleanup();
  }
});
