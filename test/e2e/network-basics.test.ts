/**
 * The core network API through the real docker CLI, each test in its own throwaway host
 * namespace with its own conetd.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { run } from '../../src/exec/index.js';
import { withHost, type TestHost } from '../helpers/host.js';
import { recordedResponse } from '../helpers/fixtures.js';
import { shapeOf } from '../helpers/shape.js';

interface AddrInfo {
  ifname: string;
  addr_info: Array<{ family: string; local: string; prefixlen: number }>;
}

async function networkNames(host: TestHost, ...args: string[]): Promise<string[]> {
  const out = await host.dockerOk(['network', 'ls', '--format', '{{.Name}}', ...args]);
  return out === '' ? [] : out.split('\n').sort();
}

test('fresh host: exactly the predefined networks, then create and inspect my_bridge', async () => {
  await withHost(async (host) => {
    const table = await host.dockerOk(['network', 'ls']);
    const rows = table.split('\n').slice(1).map((line) => line.split(/\s+/));
    assert.deepEqual(rows.map((row) => row.slice(1)).sort(), [['bridge', 'bridge', 'local'], ['host', 'host', 'local'], ['none', 'null', 'local']]);
    for (const row of rows) assert.match(row[0] ?? '', /^[0-9a-f]{12}$/);

    const id = await host.dockerOk(['network', 'create', '--driver', 'bridge', 'my_bridge']);
    assert.match(id, /^[0-9a-f]{64}$/);

    const inspected = JSON.parse(await host.dockerOk(['network', 'inspect', 'my_bridge'])) as Array<Record<string, unknown>>;
    assert.equal(inspected.length, 1);
    const network = inspected[0]!;
    // The CLI 28 talks API 1.50, where network inspect gained EnableIPv4 (1.48) over the 1.41 recording.
    assert.deepEqual(shapeOf(network), { ...(shapeOf(recordedResponse('S060')) as object), EnableIPv4: 'boolean' });
    const old = JSON.parse((await host.api('GET', '/v1.41/networks/my_bridge')).body) as unknown;
    assert.deepEqual(shapeOf(old), shapeOf(recordedResponse('S060')));
    assert.equal(network['Id'], id);
    assert.deepEqual((network['IPAM'] as { Config: unknown }).Config, [{ Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }]);

    const bridge = `br-${id.slice(0, 12)}`;
    const addrs = await host.ipJson<AddrInfo[]>(['addr', 'show', 'dev', bridge]);
    assert.deepEqual(
      addrs[0]?.addr_info.filter((info) => info.family === 'inet').map((info) => `${info.local}/${info.prefixlen}`),
      ['172.18.0.1/16'],
    );
    // The predefined default bridge exists in the kernel too.
    const conet0 = await host.ipJson<AddrInfo[]>(['addr', 'show', 'dev', 'conet0']);
    assert.deepEqual(conet0[0]?.addr_info.filter((info) => info.family === 'inet').map((info) => info.local), ['172.17.0.1']);

    // Same shape for the list response as recorded (S003).
    const listed = JSON.parse((await host.api('GET', '/v1.41/networks')).body) as Array<{ Name: string }>;
    const recordedList = recordedResponse('S003') as Array<{ Name: string }>;
    for (const name of ['bridge', 'host', 'none']) {
      const ours = listed.find((item) => item.Name === name);
      const theirs = recordedList.find((item) => item.Name === name);
      assert.deepEqual(shapeOf(ours), shapeOf(theirs), name);
    }

    // Create and rm spawn at most one process each (the nft run; links go through the live ip),
    // and log their steps as container starts do.
    await host.dockerOk(['network', 'rm', 'my_bridge']);
    assert.equal((await host.ipJson<AddrInfo[]>(['link', 'show'])).some((link) => link.ifname === bridge), false);
    const logged = (await host.log()).split('\n').filter((line) => line.includes('"network created"') || line.includes('"network removed"'));
    const entries = logged.map((line) => JSON.parse(line) as { msg: string; id: string; spawned: number; steps: Record<string, number> }).filter((entry) => entry.id === id);
    assert.deepEqual(entries.map((entry) => entry.msg), ['network created', 'network removed']);
    for (const entry of entries) {
      assert.ok(entry.spawned <= 1, `${entry.msg} spawned ${entry.spawned} processes`);
      assert.ok(typeof entry.steps['kernel'] === 'number' && typeof entry.steps['store'] === 'number', JSON.stringify(entry.steps));
    }
  });
});

test('IPAM options round-trip; overlap, predefined, unknown and duplicate errors', async () => {
  await withHost(async (host) => {
    await host.dockerOk(['network', 'create', '--subnet', '10.99.0.0/24', '--gateway', '10.99.0.254', '--ip-range', '10.99.0.128/25', 'custom1']);
    const [custom1] = JSON.parse(await host.dockerOk(['network', 'inspect', 'custom1'])) as Array<{ IPAM: { Config: unknown } }>;
    assert.deepEqual(custom1?.IPAM.Config, [{ Subnet: '10.99.0.0/24', IPRange: '10.99.0.128/25', Gateway: '10.99.0.254' }]);
    assert.deepEqual(shapeOf(custom1), { ...(shapeOf(recordedResponse('S121')) as object), EnableIPv4: 'boolean' });

    const linksBefore = await host.ip(['-br', 'link']);
    const overlap = await host.docker(['network', 'create', '--subnet', '10.99.0.0/16', 'custom2']);
    assert.equal(overlap.code, 1);
    assert.match(overlap.stderr, /Pool overlaps with other one on this address space/);
    const overlapApi = await host.api('POST', '/v1.41/networks/create', JSON.stringify({ Name: 'custom2', IPAM: { Config: [{ Subnet: '10.99.0.0/16' }] } }));
    assert.equal(overlapApi.status, 403);
    assert.deepEqual(await networkNames(host), ['bridge', 'custom1', 'host', 'none']);
    assert.equal(await host.ip(['-br', 'link']), linksBefore);

    const rmBridge = await host.docker(['network', 'rm', 'bridge']);
    assert.equal(rmBridge.code, 1);
    assert.match(rmBridge.stderr, /bridge is a pre-defined network and cannot be removed/);
    assert.equal((await host.api('DELETE', '/v1.41/networks/bridge')).status, 403);
    assert.deepEqual(await networkNames(host), ['bridge', 'custom1', 'host', 'none']);
    assert.match(await host.ip(['-br', 'addr', 'show', 'dev', 'conet0']), /172\.17\.0\.1\/16/);

    const rmUnknown = await host.docker(['network', 'rm', 'nosuchnet']);
    assert.equal(rmUnknown.code, 1);
    assert.match(rmUnknown.stderr, /Error response from daemon: network nosuchnet not found/);
    const rmUnknownApi = await host.api('DELETE', '/v1.41/networks/nosuchnet');
    assert.equal(rmUnknownApi.status, 404);
    assert.deepEqual(JSON.parse(rmUnknownApi.body), { message: 'network nosuchnet not found' });

    const duplicate = await host.docker(['network', 'create', 'custom1']);
    assert.equal(duplicate.code, 1);
    assert.match(duplicate.stderr, /network with name custom1 already exists/);
    assert.equal((await host.api('POST', '/v1.41/networks/create', JSON.stringify({ Name: 'custom1' }))).status, 409);

    const secondHost = await host.docker(['network', 'create', '-d', 'host', 'host2']);
    assert.match(secondHost.stderr, /only one instance of "host" network is allowed/);
    assert.deepEqual(await networkNames(host), ['bridge', 'custom1', 'host', 'none']);

    // Aux addresses, several subnets, IPAM options, labels and bridge options round-trip.
    await host.dockerOk([
      'network', 'create', '--subnet', '10.98.0.0/24', '--aux-address', 'router=10.98.0.5', '--subnet', '10.97.0.0/24',
      '--ipam-opt', 'foo=bar', '--label', 'team=net', '-o', 'com.docker.network.driver.mtu=1400',
      '-o', 'com.docker.network.bridge.name=opts0', '--internal', 'opts',
    ]);
    const [opts] = JSON.parse(await host.dockerOk(['network', 'inspect', 'opts'])) as Array<Record<string, unknown>>;
    // As Docker (S139): a given subnet without --gateway is shown without one, though the bridge has it.
    // The CLI sends the configs in Go map order (random), so compare them sorted by subnet.
    const configs = [...(opts?.['IPAM'] as { Config: Array<{ Subnet: string }> }).Config].sort((x, y) => y.Subnet.localeCompare(x.Subnet));
    assert.deepEqual(configs, [
      { Subnet: '10.98.0.0/24', AuxiliaryAddresses: { router: '10.98.0.5' } },
      { Subnet: '10.97.0.0/24' },
    ]);
    assert.deepEqual((opts?.['IPAM'] as { Options: unknown }).Options, { foo: 'bar' });
    assert.deepEqual(opts?.['Labels'], { team: 'net' });
    assert.equal(opts?.['Internal'], true);
    const [opts0] = await host.ipJson<Array<{ mtu: number; addr_info: Array<{ family: string; local: string }> }>>(['addr', 'show', 'dev', 'opts0']);
    assert.equal(opts0?.mtu, 1400);
    assert.deepEqual(opts0?.addr_info.filter((info) => info.family === 'inet').map((info) => info.local).sort(), ['10.97.0.1', '10.98.0.1']);
    await host.dockerOk(['network', 'rm', 'opts']);

    // Removal by id prefix works and takes the bridge with it.
    const id = await host.dockerOk(['network', 'inspect', '-f', '{{.Id}}', 'custom1']);
    assert.equal(await host.dockerOk(['network', 'rm', id.slice(0, 10)]), id.slice(0, 10));
    assert.doesNotMatch(await host.ip(['-br', 'link']), new RegExp(`br-${id.slice(0, 12)}`));
  });
});

test('network ls filters and prune behave as in Docker', async () => {
  await withHost(async (host) => {
    await host.dockerOk(['network', 'create', '--label', 'a=b', 'my_one']);
    await host.dockerOk(['network', 'create', '--label', 'a=c', '--label', 'keep', 'my_two']);
    await host.dockerOk(['network', 'create', 'other']);

    assert.deepEqual(await networkNames(host, '-f', 'driver=bridge'), ['bridge', 'my_one', 'my_two', 'other']);
    assert.deepEqual(await networkNames(host, '-f', 'driver=null'), ['none']);
    assert.deepEqual(await networkNames(host, '-f', 'name=my'), ['my_one', 'my_two']);
    assert.deepEqual(await networkNames(host, '-f', 'label=a=b'), ['my_one']);
    assert.deepEqual(await networkNames(host, '-f', 'label=a'), ['my_one', 'my_two']);
    assert.deepEqual(await networkNames(host, '-f', 'type=custom'), ['my_one', 'my_two', 'other']);
    assert.deepEqual(await networkNames(host, '-f', 'type=builtin'), ['bridge', 'host', 'none']);
    assert.deepEqual(await networkNames(host, '-f', 'dangling=true'), ['my_one', 'my_two', 'other']);
    assert.deepEqual(await networkNames(host, '-f', 'name=my', '-f', 'label=keep'), ['my_two']);
    const id = await host.dockerOk(['network', 'inspect', '-f', '{{.Id}}', 'other']);
    assert.deepEqual(await networkNames(host, '-f', `id=${id.slice(0, 8)}`), ['other']);
    const badFilter = await host.docker(['network', 'ls', '-f', 'colour=red']);
    assert.equal(badFilter.code, 1);
    assert.match(badFilter.stderr, /invalid filter 'colour'/);

    // Prune with a label exclusion keeps what it must; then a plain prune removes the rest.
    const pruned = await host.dockerOk(['network', 'prune', '-f', '--filter', 'label!=keep']);
    assert.match(pruned, /my_one/);
    assert.match(pruned, /other/);
    assert.doesNotMatch(pruned, /my_two/);
    assert.deepEqual(await networkNames(host), ['bridge', 'host', 'my_two', 'none']);
    await host.dockerOk(['network', 'prune', '-f']);
    assert.deepEqual(await networkNames(host), ['bridge', 'host', 'none']);
    // until: nothing is older than 1h, so nothing goes.
    await host.dockerOk(['network', 'create', 'fresh']);
    await host.dockerOk(['network', 'prune', '-f', '--filter', 'until=1h']);
    assert.deepEqual(await networkNames(host), ['bridge', 'fresh', 'host', 'none']);
  });
});

test('docker version and info work against conetd', async () => {
  await withHost(async (host) => {
    const version = await host.dockerOk(['version', '--format', '{{.Server.APIVersion}}']);
    assert.equal(version, '1.50');
    const drivers = await host.dockerOk(['info', '--format', '{{json .Plugins.Network}}']);
    assert.deepEqual(JSON.parse(drivers), ['bridge', 'host', 'macvlan', 'null']);
    // Forwarding and br_netfilter are the host namespace's own switches, read at each request:
    // the daemon switched ip_forward on for its bridge; bridge-nf-call-iptables is flipped here.
    const sysctl = async (...args: string[]): Promise<string> => (await run(['ip', 'netns', 'exec', host.netns, 'sysctl', ...args])).stdout.trim();
    assert.equal(await sysctl('-n', 'net.ipv4.ip_forward'), '1');
    assert.equal(await host.dockerOk(['info', '--format', '{{json .IPv4Forwarding}}']), 'true');
    if (existsSync('/proc/sys/net/bridge/bridge-nf-call-iptables')) {
      // The raw API: docker CLI 28 no longer carries the BridgeNf fields (deprecated in moby).
      const bridgeNfIptables = async (): Promise<unknown> => (JSON.parse((await host.api('GET', '/v1.41/info')).body) as Record<string, unknown>).BridgeNfIptables;
      for (const value of ['1', '0']) {
        await sysctl('-qw', `net.bridge.bridge-nf-call-iptables=${value}`);
        assert.equal(await bridgeNfIptables(), value === '1');
      }
    }
    const tooNew = await host.api('GET', '/v1.99/networks');
    assert.equal(tooNew.status, 400);
    assert.match(tooNew.body, /client version 1.99 is too new/);
    const ping = await host.api('GET', '/_ping');
    assert.deepEqual(ping, { status: 200, body: 'OK' });
    assert.equal((await host.api('GET', '/v1.41/no/such/route')).status, 404);
  });
});
