/**
 * Issue 10, item 6: never touch what conet didn't create. A bridge that exists before
 * `network create -o com.docker.network.bridge.name=IT` is used as Docker uses it (moby:
 * ifaceCreatedByUser) and left in place at `network rm`: the device, its addresses, MTU and alias,
 * across a daemon restart too. The bridge is made by the test inside the test's host namespace.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { withHost, type TestHost } from '../helpers/host.js';

interface IpLink { ifindex: number; ifname: string; mtu: number; ifalias?: string; addr_info?: Array<{ local: string; prefixlen: number }> }

async function bridgeState(host: TestHost, name: string): Promise<{ index: number; mtu: number; alias: string; addresses: string[] } | undefined> {
  const links = await host.ipJson<IpLink[]>(['-details', 'addr', 'show']);
  const link = links.find((each) => each.ifname === name);
  if (!link) return undefined;
  return { index: link.ifindex, mtu: link.mtu, alias: link.ifalias ?? '', addresses: (link.addr_info ?? []).filter((a) => !a.local.startsWith('fe80:')).map((a) => `${a.local}/${a.prefixlen}`) };
}

test('a pre-existing bridge named by com.docker.network.bridge.name is used and left in place, addresses included', async () => {
  await withHost(async (host) => {
    const bridge = `ubr${randomBytes(4).toString('hex')}`;
    const network = `fb${randomBytes(3).toString('hex')}`;
    await host.ip(['link', 'add', 'name', bridge, 'type', 'bridge']);
    // Set after creation, so the kernel keeps it fixed when ports join (an MTU given at creation follows the ports').
    await host.ip(['link', 'set', 'dev', bridge, 'mtu', '1400', 'alias', 'owned by the admin']);
    await host.ip(['addr', 'add', '10.123.45.1/24', 'dev', bridge]);
    const before = await bridgeState(host, bridge);
    assert.ok(before);

    await host.dockerOk(['network', 'create', '--subnet', '10.124.0.0/24', '-o', `com.docker.network.bridge.name=${bridge}`, network]);
    const used = await bridgeState(host, bridge);
    assert.deepEqual(used, { ...before, addresses: ['10.123.45.1/24', '10.124.0.1/24'] }, 'same device, its settings kept, our gateway added');
    // Used as Docker uses it: a container on the network reaches its gateway through it.
    const ping = await host.docker(['run', '--rm', '--network', network, 'busybox', 'ping', '-c', '1', '-W', '2', '10.124.0.1']);
    assert.equal(ping.code, 0, ping.stderr);

    await host.restart();
    assert.deepEqual(await bridgeState(host, bridge), used, 'a restart neither deletes nor rewrites it');

    await host.dockerOk(['network', 'rm', network]);
    const after = await bridgeState(host, bridge);
    assert.ok(after, 'the bridge is still there after network rm');
    assert.equal(after.index, before.index);
    assert.equal(after.mtu, 1400);
    assert.equal(after.alias, 'owned by the admin');
    assert.ok(after.addresses.includes('10.123.45.1/24'), `its own address stays: ${after.addresses.join(', ')}`);

    // A bridge conet made itself is still removed at network rm.
    const own = `obr${randomBytes(4).toString('hex')}`;
    await host.dockerOk(['network', 'create', '-o', `com.docker.network.bridge.name=${own}`, `${network}o`]);
    assert.ok(await bridgeState(host, own));
    await host.dockerOk(['network', 'rm', `${network}o`]);
    assert.equal(await bridgeState(host, own), undefined);
  });
});
