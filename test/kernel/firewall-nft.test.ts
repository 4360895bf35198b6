/**
 * LinuxNftables and the builder's transactions against the real nft, in one throwaway namespace:
 * atomicity, idempotence, rebuild-from-state and the error shapes callers rely on.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { EngineError } from '../../src/errors/index.js';
import { ExecError } from '../../src/exec/index.js';
import { addNetworkScript, buildRuleset, type FirewallNetwork } from '../../src/firewall/index.js';
import { LinuxNftables } from '../../src/kernel/linux/nft.js';
import { NetnsSandbox, type Netns } from '../helpers/netns.js';

const TABLE = 'conet';
const nft = new LinuxNftables();
const network = (bridge: string, subnet: string): FirewallNetwork => ({
  id: randomBytes(32).toString('hex'), bridge, subnets4: [subnet], subnets6: [], masquerade: true, icc: true, internal: false,
});

describe('LinuxNftables on the real kernel', { timeout: 60_000 }, () => {
  const sandbox = new NetnsSandbox('conet-fwtest');
  let ns: Netns;
  const target = (): { netns: string } => ({ netns: ns.path });

  before(async () => {
    ns = await sandbox.create('nft');
  });
  after(() => sandbox.cleanup());

  it('applies a script all or nothing, and reports nft stderr', async () => {
    const error = await nft.apply('add table inet half\nadd chain inet half c { type nonsense; }\n', target()).then(
      () => assert.fail('apply succeeded'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof EngineError);
    assert.equal(error.code, 'nft-failed');
    assert.match(error.message, /Error: /);
    assert.ok(error.cause instanceof ExecError);
    assert.equal(await nft.tableExists('inet', 'half', target()), false);
  });

  it('reports a missing table as not found', async () => {
    await assert.rejects(nft.listTable('inet', TABLE, target()), { kind: 'not-found', code: 'nft-table-not-found' });
    assert.equal(await nft.tableExists('inet', TABLE, target()), false);
    await nft.deleteTable('inet', TABLE, target());
  });

  it('rebuilds from state, dropping whatever the previous state had', async () => {
    const three = [network('br-1', '10.60.1.0/24'), network('br-2', '10.60.2.0/24'), network('br-3', '10.60.3.0/24')];
    await nft.apply(buildRuleset({ table: TABLE, networks: three }), target());
    await nft.apply(buildRuleset({ table: TABLE, networks: [three[1]!] }), target());
    const listing = await nft.listTable('inet', TABLE, target());
    const perNetwork = listing.chains.map((chain) => chain.name).filter((name) => name.startsWith('net-'));
    const short = three[1]!.id.slice(0, 12);
    assert.deepEqual(perNetwork.sort(), [`net-${short}-from`, `net-${short}-masq`, `net-${short}-to`]);
    assert.deepEqual(listing.sets.find((set) => set.name === 'bridges')?.elem, ['br-2']);
  });

  it('adds a network idempotently and refuses a second network on the same bridge', async () => {
    const added = network('br-4', '10.60.4.0/24');
    await nft.apply(addNetworkScript(TABLE, added), target());
    const count = async (): Promise<number> => (await nft.listTable('inet', TABLE, target())).rules.length;
    const before = await count();
    await nft.apply(addNetworkScript(TABLE, added), target());
    assert.equal(await count(), before);
    const impostor = { ...network('br-4', '10.60.5.0/24') };
    await assert.rejects(nft.apply(addNetworkScript(TABLE, impostor), target()), { kind: 'system', code: 'nft-failed' });
    assert.equal(await count(), before, 'the failed transaction left nothing behind');
  });

  it('deletes the table idempotently', async () => {
    await nft.deleteTable('inet', TABLE, target());
    await nft.deleteTable('inet', TABLE, target());
    assert.equal(await nft.tableExists('inet', TABLE, target()), false);
  });
});
