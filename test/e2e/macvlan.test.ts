/**
 * macvlan with the real docker CLI (transcript S142-S151). The "LAN" is a namespace joined to the
 * test host by a veth whose host end (no address) is the macvlan parent; the LAN side holds
 * 10.201.0.2/24, the gateway the containers are given.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, startProcess } from '../../src/exec/index.js';
import { delay, withHost, type TestHost } from '../helpers/host.js';
import { standInImages } from '../helpers/images.js';

const FAKE_UPSTREAM = resolve(fileURLToPath(import.meta.url), '../../helpers/fake-upstream.js');

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

test('macvlan_mode=private: containers reach the LAN but not each other (and still resolve each other)', async () => {
  await withHost(async (host) => {
    await withLan(host, async (lan) => {
      await host.dockerOk(['network', 'create', '-d', 'macvlan', '--subnet', '10.201.0.0/24', '--gateway', LAN_ADDRESS, '-o', `parent=${PARENT}`, '-o', 'macvlan_mode=private', 'mvp']);
      await host.dockerOk(['run', '-d', '--name', 'p1', '--network', 'mvp', '--ip', '10.201.0.10', 'busybox', 'sleep', '300']);
      await host.dockerOk(['run', '-d', '--name', 'p2', '--network', 'mvp', '--ip', '10.201.0.11', 'busybox', 'sleep', '300']);
      assert.match(await ipIn(host, 'p1', ['-d', 'link', 'show', 'eth0']), /macvlan mode private/);
      assert.ok(await containerPing(host, 'p1', LAN_ADDRESS));
      assert.ok(await pingFrom(lan, '10.201.0.11'));
      assert.ok(!(await containerPing(host, 'p1', '10.201.0.11')), 'private mode keeps macvlan siblings apart');
      // ... yet they resolve each other: the resolver's listeners are in each one's namespace.
      assert.deepEqual(await lookup(host, 'p1', 'p2'), ['10.201.0.11']);
    });
  });
});

/** nslookup through 127.0.0.11 from a running container; the addresses answered (empty when it fails). */
async function lookup(host: TestHost, container: string, name: string): Promise<string[]> {
  const result = await host.docker(['exec', container, 'nslookup', name, '127.0.0.11']);
  if (result.code !== 0) return [];
  const answer = result.stdout.split(/\nName:/).slice(1).join('\n');
  return [...answer.matchAll(/Address(?: \d+)?:\s+(\S+)/g)].map((match) => match[1] ?? '');
}

test('macvlan: embedded DNS (names, alias, short id, hostname, PTR, TCP, forwarding) scoped to shared networks, across container and daemon restarts', { timeout: 300_000 }, async () => {
  await withHost(async (host) => {
    await standInImages(host);
    await withLan(host, async (lan) => {
      // A fake upstream resolver in the host's namespace: forwarded names answer 10.123.45.67.
      const UPSTREAM = '10.53.0.1';
      await host.ip(['addr', 'add', `${UPSTREAM}/24`, 'dev', 'lo']);
      const upstreamLog = join(host.dir, 'fake-upstream.log');
      const upstream = startProcess(['nsenter', `--net=${host.netnsPath}`, '--', process.execPath, FAKE_UPSTREAM, UPSTREAM], { logFile: upstreamLog });
      try {
        for (let attempt = 0; attempt < 100 && !(await readFile(upstreamLog, 'utf8').catch(() => '')).includes('ready'); attempt += 1) await delay(50);

        await host.dockerOk(['network', 'create', '-d', 'macvlan', '--subnet', '10.201.0.0/24', '--gateway', LAN_ADDRESS, '--ip-range', '10.201.0.128/25', '-o', `parent=${PARENT}`, 'mv1']);
        await host.dockerOk(['network', 'create', 'b']);
        await host.dockerOk(['run', '-d', '--name', 'web', '--hostname', 'webhost', '--network', 'mv1', '--network-alias', 'web-alias', 'nginx']);
        await host.dockerOk(['run', '-d', '--name', 'c2', '--network', 'mv1', '--dns', UPSTREAM, 'busybox', 'sleep', '300']);
        await host.dockerOk(['run', '-d', '--name', 'other', '--network', 'b', '--network-alias', 'other-alias', 'busybox', 'sleep', '300']);
        const webAddress = await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.Networks.mv1.IPAddress}}', 'web']);
        const c2Address = await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.Networks.mv1.IPAddress}}', 'c2']);
        const shortId = (await host.dockerOk(['inspect', '-f', '{{.Id}}', 'web'])).slice(0, 12);
        assert.match(webAddress, /^10\.201\.0\.\d+$/);

        // What the container sees is Docker's: 127.0.0.11, no --dns server in the file.
        assert.equal(await host.dockerOk(['exec', 'c2', 'cat', '/etc/resolv.conf']), 'nameserver 127.0.0.11\noptions ndots:0');
        // Nothing on the host for it: no address of the subnet, no link but the parent.
        assert.doesNotMatch(await host.ip(['-br', 'addr']), /10\.201\./);

        const resolvesAll = async (when: string): Promise<void> => {
          for (const name of ['web', 'web-alias', shortId, 'webhost', 'web.mv1']) {
            assert.deepEqual(await lookup(host, 'c2', name), [webAddress], `${when}: ${name}`);
          }
          const reverse = await host.docker(['exec', 'c2', 'nslookup', webAddress, '127.0.0.11']);
          assert.match(reverse.stdout, /name = web\.mv1/, `${when}: PTR ${reverse.stdout}${reverse.stderr}`);
          assert.match(await host.dockerOk(['exec', 'c2', 'timeout', '5', 'wget', '-qO-', 'http://web/']), /Welcome to nginx/, `${when}: wget by name`);
          assert.deepEqual(await lookup(host, 'web', 'c2'), [c2Address], `${when}: the other way round`);
        };
        await resolvesAll('after start');

        // Scoped: names of a network c2 doesn't share are not container names for it, in either
        // direction. c2's --dns upstream answers every name it is asked, so they come back as
        // that upstream's answer (forwarded like any unknown name), never as the container's.
        assert.deepEqual(await lookup(host, 'c2', 'other'), ['10.123.45.67']);
        assert.deepEqual(await lookup(host, 'c2', 'other-alias'), ['10.123.45.67']);
        const otherAddress = await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.Networks.b.IPAddress}}', 'other']);
        assert.deepEqual(await lookup(host, 'other', 'other-alias'), [otherAddress], 'other resolves on its own network');
        assert.ok(!(await lookup(host, 'other', 'web')).includes(webAddress), 'no macvlan names on b');

        // A default-bridge container connected live gets the listeners and 127.0.0.11; one on
        // a bridge network as well goes through that network's gateway and sees both networks.
        await host.dockerOk(['run', '-d', '--name', 'c3', 'busybox', 'sleep', '300']);
        await host.dockerOk(['network', 'connect', 'mv1', 'c3']);
        assert.match(await host.dockerOk(['exec', 'c3', 'cat', '/etc/resolv.conf']), /^nameserver 127\.0\.0\.11$/m);
        assert.deepEqual(await lookup(host, 'c3', 'web-alias'), [webAddress]);
        await host.dockerOk(['network', 'connect', 'b', 'c3']);
        assert.deepEqual(await lookup(host, 'c3', 'web'), [webAddress], 'through b\'s gateway now');
        assert.deepEqual(await lookup(host, 'c3', 'other-alias'), [otherAddress]);
        await host.dockerOk(['rm', '-f', 'c3']);

        // Everything else goes upstream (from the daemon's namespace), over UDP and TCP.
        assert.deepEqual(await lookup(host, 'c2', 'example.test'), ['10.123.45.67']);
        const pid = await host.dockerOk(['inspect', '-f', '{{.State.Pid}}', 'c2']);
        const viaTcp = await run(['nsenter', '-t', pid, '-n', process.execPath, FAKE_UPSTREAM, 'query', '127.0.0.11', 'web', 'tcp'], { timeoutMs: 15_000 });
        assert.equal(viaTcp.stdout, `rcode 0 tc false\n${webAddress}\n`);

        // A container restart: its old listeners went with it (else its old namespace, and its
        // macvlan with the same MAC, would live on and the new one could not come up).
        await host.dockerOk(['restart', '-t', '1', 'web']);
        assert.equal(await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.Networks.mv1.IPAddress}}', 'web']), webAddress);
        await resolvesAll('after docker restart web');
        await host.dockerOk(['stop', '-t', '1', 'web']);
        assert.deepEqual(await lookup(host, 'c2', 'web'), ['10.123.45.67'], 'a stopped container has no name (forwarded)');
        await host.dockerOk(['start', 'web']);

        // The listeners lived in the daemon: a restart, and a crash, open them again.
        await host.restart();
        await resolvesAll('after a daemon restart');
        await host.restart({ crash: true });
        await resolvesAll('after kill -9 and a restart');
        assert.deepEqual(await lookup(host, 'c2', 'example.test'), ['10.123.45.67']);

        // The LAN still sees the containers as its own hosts; the host still can't reach them.
        assert.ok(await pingFrom(lan, webAddress));
        assert.ok(!(await pingFrom(host.netns, webAddress)));

        await host.dockerOk(['rm', '-f', 'web', 'c2', 'other']);
        await host.dockerOk(['network', 'rm', 'mv1', 'b']);
      } finally {
        await upstream.stop(2_000);
      }
    });
  });
});
