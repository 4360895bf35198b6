/**
 * Restart and crash recovery: state survives kill -9, the kernel is made to match the store
 * (missing bridges recreated, our strays removed, our nft table rebuilt), and removing every
 * custom network leaves the host namespace as it started plus the default bridge.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withHost, type TestHost } from '../helpers/host.js';

interface Link {
  ifname: string;
  ifalias?: string;
}

async function linkNames(host: TestHost): Promise<string[]> {
  return (await host.ipJson<Link[]>(['link', 'show'])).map((link) => link.ifname).sort();
}

async function inetAddrs(host: TestHost, dev: string): Promise<string[]> {
  const [link] = await host.ipJson<Array<{ addr_info: Array<{ family: string; local: string; prefixlen: number }> }>>(['addr', 'show', 'dev', dev]);
  return (link?.addr_info ?? []).filter((info) => info.family === 'inet').map((info) => `${info.local}/${info.prefixlen}`);
}

async function networkState(host: TestHost): Promise<string> {
  return host.dockerOk(['network', 'ls', '--no-trunc', '--format', '{{.ID}} {{.Name}} {{.Driver}}']);
}

test('kill -9 and restart: same networks and ids, kernel rebuilt from the store', async () => {
  await withHost(async (host) => {
    const startLinks = await linkNames(host);
    const a = await host.dockerOk(['network', 'create', 'net_a']);
    const b = await host.dockerOk(['network', 'create', '--subnet', '10.77.0.0/24', '-o', 'com.docker.network.bridge.name=mybr0', 'net_b']);
    await host.dockerOk(['network', 'create', '--internal', 'net_c']);
    const before = await networkState(host);
    const tableBefore = (await host.nft(['list', 'table', 'inet', 'conet'])).stdout;
    assert.match(tableBefore, new RegExp(b.slice(0, 12)));

    await host.kill();
    // While it is down: lose a bridge, plant a stray that claims to be ours, wipe our table.
    await host.ip(['link', 'del', 'dev', `br-${a.slice(0, 12)}`]);
    await host.ip(['link', 'add', 'br-deadbeef0000', 'type', 'bridge']);
    await host.ip(['link', 'set', 'dev', 'br-deadbeef0000', 'alias', `conet-net:${'d'.repeat(64)}`]);
    await host.ip(['link', 'add', 'userbr', 'type', 'bridge']); // not ours: must survive
    assert.equal((await host.nft(['delete', 'table', 'inet', 'conet'])).code, 0);
    await host.start();

    assert.equal(await networkState(host), before);
    assert.deepEqual(await inetAddrs(host, `br-${a.slice(0, 12)}`), ['172.18.0.1/16']);
    assert.deepEqual(await inetAddrs(host, 'mybr0'), ['10.77.0.1/24']);
    const links = await linkNames(host);
    assert.ok(!links.includes('br-deadbeef0000'), 'stray bridge with our marker removed');
    assert.ok(links.includes('userbr'), 'a bridge we do not own is left alone');
    const tableAfter = (await host.nft(['list', 'table', 'inet', 'conet'])).stdout;
    assert.equal(tableAfter, tableBefore);

    // A graceful restart changes nothing either.
    assert.equal(await host.stop(), 0);
    await host.start();
    assert.equal(await networkState(host), before);
    assert.equal((await host.nft(['list', 'table', 'inet', 'conet'])).stdout, tableBefore);

    // Remove every custom network: only what was there at start remains (plus our unrelated bridge).
    await host.dockerOk(['network', 'rm', 'net_a', 'net_b', 'net_c']);
    assert.deepEqual(await linkNames(host), [...startLinks, 'userbr'].sort());
    const finalTable = (await host.nft(['list', 'table', 'inet', 'conet'])).stdout;
    for (const id of [a, b]) assert.doesNotMatch(finalTable, new RegExp(id.slice(0, 12)));
  });
});

test('two daemons in two host namespaces run side by side without touching each other', async () => {
  await withHost(async (one) => {
    await withHost(async (two) => {
      const idOne = await one.dockerOk(['network', 'create', 'shared_name']);
      const idTwo = await two.dockerOk(['network', 'create', 'shared_name']);
      assert.notEqual(idOne, idTwo);
      // Both picked the first free pool: each namespace has its own view.
      assert.deepEqual(await inetAddrs(one, `br-${idOne.slice(0, 12)}`), ['172.18.0.1/16']);
      assert.deepEqual(await inetAddrs(two, `br-${idTwo.slice(0, 12)}`), ['172.18.0.1/16']);
      await one.dockerOk(['network', 'rm', 'shared_name']);
      assert.equal(await two.dockerOk(['network', 'inspect', '-f', '{{.Id}}', 'shared_name']), idTwo);
      assert.ok((await linkNames(two)).includes(`br-${idTwo.slice(0, 12)}`));
    });
  });
});
