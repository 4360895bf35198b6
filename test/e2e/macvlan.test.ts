/**
 * macvlan with the real docker CLI (transcript S142-S151). The "LAN" is a namespace joined to the
 * test host by a veth whose host end (no address) is the macvlan parent; the LAN side holds
 * 10.201.0.2/24, the gateway the containers are given.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { run } from '../../src/exec/index.js';
import { withHost, type TestHost } from '../helpers/host.js';

const PARENT = 'mvpar0';
const LAN_ADDRESS = '10.201.0.2';

async function withLan<T>(host: TestHost, fn: (lan: string) => Promise<T>): Promise<T> {
  const lan = `conet-t-lan-${randomBytes(4).toString('hex')}`;
  await run(['ip', 'netns', 'add', lan]);
  try {
    await run(['ip', '-n', host.netns, 'link', 'add', PARENT, 'type', 'veth', 'peer', 'name', 'lan0', 'netns', lan]);
    await run(['ip', '-n', host.netns, 'link', 'set', PARENT, 'up']);
    await run(['ip', '-n', lan, 'addr', 'add', `${LAN_ADDRESS}/24`, 'dev', 'lan0']);
    await run(['ip', '-n', lan, 'link', 'set', 'lan0', 'up']);
    await run(['ip', '-n', lan, 'link', 'set', 'lo', 'up']);
    return await fn(lan);
  } finally {
    await run(['ip', 'netns', 'del', lan], { allowFailure: true });
  }
}

async function pingFrom(netns: string, address: string): Promise<boolean> {
  const result = await run(['nsenter', `--net=/run/netns/${netns}`, '/usr/bin/busybox', 'ping', '-c1', '-W2', address], { allowFailure: true, timeoutMs: 10_000 });
  return result.code === 0;
}

/** Host iproute2 inside a container's namespace (busybox ip has no -d). */
async function ipIn(host: TestHost, name: string, args: string[]): Promise<string> {
  const sandbox = await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.SandboxKey}}', name]);
  return (await run(['nsenter', `--net=${sandbox}`, 'ip', ...args], { allowFailure: true })).stdout;
}

async function containerPing(host: TestHost, name: string, address: string): Promise<boolean> {
  return (await host.docker(['exec', name, 'ping', '-c1', '-W2', address])).code === 0;
}

test('macvlan: containers on the LAN with their own MACs, reaching each other and the LAN; the host cannot reach them', async () => {
  await withHost(async (host) => {
    await withLan(host, async (lan) => {
      await host.dockerOk(['network', 'create', '-d', 'macvlan', '--subnet', '10.201.0.0/24', '--gateway', LAN_ADDRESS, '--ip-range', '10.201.0.128/25', '-o', `parent=${PARENT}`, 'mv1']);
      const inspected = JSON.parse(await host.dockerOk(['network', 'inspect', 'mv1']))[0];
      assert.equal(inspected.Driver, 'macvlan');
      assert.deepEqual(inspected.Options, { parent: PARENT });
      // No bridge, no gateway address on the host, nothing in nft for this network.
      assert.doesNotMatch(await host.ip(['-br', 'addr']), /10\.201\./);

      await host.dockerOk(['run', '-d', '--name', 'mvc1', '--network', 'mv1', 'busybox', 'sleep', '300']);
      await host.dockerOk(['run', '-d', '--name', 'mvc2', '--network', 'mv1', 'busybox', 'sleep', '300']);
      assert.equal(await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.Networks.mv1.IPAddress}}', 'mvc1']), '10.201.0.128');
      assert.equal(await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.Networks.mv1.IPAddress}}', 'mvc2']), '10.201.0.129');
      const details = await ipIn(host, 'mvc1', ['-d', 'link', 'show', 'eth0']);
      assert.match(details, /link\/ether 02:42:0a:c9:00:80/);
      assert.match(details, /macvlan mode bridge/);
      assert.match(await ipIn(host, 'mvc1', ['route']), /default via 10\.201\.0\.2 dev eth0/);

      assert.ok(await containerPing(host, 'mvc1', '10.201.0.129'), 'container to container');
      assert.ok(await containerPing(host, 'mvc2', LAN_ADDRESS), 'container to the LAN');
      assert.ok(await pingFrom(lan, '10.201.0.128'), 'the LAN to a container');
      const neighbours = (await run(['ip', '-n', lan, 'neigh'])).stdout;
      assert.match(neighbours, /10\.201\.0\.128 dev lan0 lladdr 02:42:0a:c9:00:80/);
      assert.match(neighbours, /10\.201\.0\.129 dev lan0 lladdr 02:42:0a:c9:00:81/);

      // macvlan isolation: even with an address on the parent, the host can't reach its own
      // macvlan containers (Docker: S150), while the LAN can reach the host.
      await host.ip(['addr', 'add', '10.201.0.3/24', 'dev', PARENT]);
      assert.ok(await pingFrom(lan, '10.201.0.3'));
      assert.ok(!(await pingFrom(host.netns, '10.201.0.128')), 'the host must not reach its own macvlan container');
      await host.ip(['addr', 'del', '10.201.0.3/24', 'dev', PARENT]);

      // As Docker: ports aren't published on macvlan (the container is on the LAN itself).
      await host.dockerOk(['run', '-d', '--name', 'mvp', '--network', 'mv1', '-p', '8080:80', 'busybox', 'sleep', '300']);
      assert.equal(await host.dockerOk(['port', 'mvp']), '');
      await host.dockerOk(['rm', '-f', 'mvp']);

      // connect to a running container: a second interface on the LAN.
      await host.dockerOk(['run', '-d', '--name', 'mvc3', 'busybox', 'sleep', '300']);
      await host.dockerOk(['network', 'connect', 'mv1', 'mvc3']);
      assert.match(await ipIn(host, 'mvc3', ['-d', 'link', 'show', 'eth1']), /macvlan mode bridge/);
      assert.ok(await containerPing(host, 'mvc3', LAN_ADDRESS));
      await host.dockerOk(['network', 'disconnect', 'mv1', 'mvc3']);
      assert.equal(await ipIn(host, 'mvc3', ['link', 'show', 'eth1']), '');

      // survives a daemon restart; then removal leaves the parent as it was
      await host.restart();
      assert.ok(await containerPing(host, 'mvc1', LAN_ADDRESS));
      await host.dockerOk(['rm', '-f', 'mvc1', 'mvc2', 'mvc3']);
      await host.dockerOk(['network', 'rm', 'mv1']);
      assert.match(await host.ip(['-br', 'link', 'show', PARENT]), /^mvpar0@/);
      assert.equal(await host.dockerOk(['network', 'ls', '--filter', 'driver=macvlan', '-q']), '');
    });
  });
});

test('macvlan: clear errors for a missing parent, a parent in use, a vlan parent this kernel cannot make, and a bad mode', async () => {
  await withHost(async (host) => {
    await withLan(host, async () => {
      const linksBefore = await host.ip(['-br', 'link']);
      const missing = await host.docker(['network', 'create', '-d', 'macvlan', '--subnet', '10.202.0.0/24', '-o', 'parent=nosuch0', 'bad1']);
      assert.notEqual(missing.code, 0);
      assert.match(missing.stderr, /parent interface was not found on the host: nosuch0/);

      const vlan = await host.docker(['network', 'create', '-d', 'macvlan', '--subnet', '10.202.0.0/24', '-o', `parent=${PARENT}.10`, 'mv10']);
      assert.notEqual(vlan.code, 0);
      assert.match(vlan.stderr, /failed to create mvpar0\.10 vlan link: operation not supported/);

      const mode = await host.docker(['network', 'create', '-d', 'macvlan', '--subnet', '10.202.0.0/24', '-o', `parent=${PARENT}`, '-o', 'macvlan_mode=source', 'bad2']);
      assert.match(mode.stderr, /requested macvlan mode 'source' is not valid/);

      await host.dockerOk(['network', 'create', '-d', 'macvlan', '--subnet', '10.201.0.0/24', '-o', `parent=${PARENT}`, 'mv1']);
      const inUse = await host.docker(['network', 'create', '-d', 'macvlan', '--subnet', '10.203.0.0/24', '-o', `parent=${PARENT}`, 'mv2']);
      assert.notEqual(inUse.code, 0);
      assert.match(inUse.stderr, /network dm-[0-9a-f]{12} is already using parent interface mvpar0/);

      const internal = await host.docker(['network', 'create', '-d', 'macvlan', '--internal', '--subnet', '10.204.0.0/24', 'mvi']);
      assert.notEqual(internal.code, 0);
      assert.match(internal.stderr, /failed to create dm-[0-9a-f]{12} dummy link: operation not supported/);

      await host.dockerOk(['network', 'rm', 'mv1']);
      assert.deepEqual((await host.dockerOk(['network', 'ls', '--format', '{{.Name}}'])).split('\n').sort(), ['bridge', 'host', 'none']);
      assert.equal(await host.ip(['-br', 'link']), linksBefore, 'nothing left behind');
    });
  });
});

test('macvlan_mode=private: containers reach the LAN but not each other', async () => {
  await withHost(async (host) => {
    await withLan(host, async (lan) => {
      await host.dockerOk(['network', 'create', '-d', 'macvlan', '--subnet', '10.201.0.0/24', '--gateway', LAN_ADDRESS, '-o', `parent=${PARENT}`, '-o', 'macvlan_mode=private', 'mvp']);
      await host.dockerOk(['run', '-d', '--name', 'p1', '--network', 'mvp', '--ip', '10.201.0.10', 'busybox', 'sleep', '300']);
      await host.dockerOk(['run', '-d', '--name', 'p2', '--network', 'mvp', '--ip', '10.201.0.11', 'busybox', 'sleep', '300']);
      assert.match(await ipIn(host, 'p1', ['-d', 'link', 'show', 'eth0']), /macvlan mode private/);
      assert.ok(await containerPing(host, 'p1', LAN_ADDRESS));
      assert.ok(await pingFrom(lan, '10.201.0.11'));
      assert.ok(!(await containerPing(host, 'p1', '10.201.0.11')), 'private mode keeps macvlan siblings apart');
    });
  });
});
