/**
 * Firewall attacks and defences (issue 10, item 9), with the real docker CLI:
 * - an L2 neighbour's crafted SYN to 127.0.0.1 via the host's MAC gets no answer from a port
 *   published on 127.0.0.1 (raw-priority drop);
 * - NAT-mode networks are closed to direct connections from outside; gateway_mode_ipv4=routed opens them;
 * - a UDP flow doesn't follow a removed container's address to its next owner, and reaches the
 *   container that publishes the port next; replies to a removed container's outbound flow don't
 *   reach the next owner of its address either (conntrack flushes);
 * - `nft flush ruleset` / `nft delete table inet conet` are healed within 1 s: isolation,
 *   masquerade and published ports work again without a restart;
 * - the users' table `inet conet-user`: a drop there closes a published port and survives restarts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { ProcessHandle } from '../../src/exec/index.js';
import { delay, withHost, type TestHost } from '../helpers/host.js';
import { standInImages } from '../helpers/images.js';
import { HOST_ADDRESS, OUTSIDE_ADDRESS, Outside, httpGet } from '../helpers/outside.js';
import { TableEventLog, craftedSyn, echoAddressServer, received, udpPusher, udpReceiver, udpSendOnce, udpSender } from '../helpers/firewall-probes.js';

const NGINX = /Welcome to nginx/;

async function withOutside<T>(host: TestHost, fn: (outside: Outside, outsidePath: string) => Promise<T>): Promise<T> {
  const outside = await Outside.create(host);
  try {
    return await fn(outside, `/run/netns/${outside.netns}`);
  } finally {
    await outside.dispose();
  }
}

async function stopAll(handles: ProcessHandle[]): Promise<void> {
  await Promise.all(handles.map((handle) => handle.stop(2_000).catch(() => undefined)));
}

async function sandboxOf(host: TestHost, container: string): Promise<string> {
  return host.dockerOk(['inspect', '-f', '{{.NetworkSettings.SandboxKey}}', container]);
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(100);
  }
}

test('a port published on 127.0.0.1 does not answer an L2 neighbour\'s crafted SYN to 127.0.0.1', async () => {
  await withHost(async (host) => {
    await standInImages(host);
    await withOutside(host, async (_outside, outsidePath) => {
      await host.dockerOk(['run', '-d', '--name', 'local', '-p', '127.0.0.1:18080:80', 'nginx:latest']);
      await host.dockerOk(['run', '-d', '--name', 'public', '-p', '18081:80', 'nginx:latest']);
      assert.match((await httpGet(host.netnsPath, 'http://127.0.0.1:18080/')).stdout, NGINX, 'the host itself reaches it on 127.0.0.1');
      const links = await host.ipJson<Array<{ address: string }>>(['link', 'show', 'ext0']);
      const hostMac = links[0]?.address ?? '';
      const syn = (dstIp: string, port: number) => craftedSyn(outsidePath, { iface: 'lan0', dstMac: hostMac, srcIp: OUTSIDE_ADDRESS, dstIp, port });
      // The probe works: the same crafted SYN to the host's address and a 0.0.0.0 port is answered.
      const [control, attack] = await Promise.all([syn(HOST_ADDRESS, 18081), syn('127.0.0.1', 18080)]);
      assert.equal(control, true, 'a crafted SYN to a public published port is answered');
      assert.equal(attack, false, 'a crafted SYN to 127.0.0.1:18080 via the host\'s MAC must get no answer');
      assert.match((await httpGet(host.netnsPath, 'http://127.0.0.1:18080/')).stdout, NGINX, 'still reachable from the host');
    });
  });
});

test('NAT-mode networks take direct connections only to published ports; gateway_mode_ipv4=routed opens them', async () => {
  await withHost(async (host) => {
    await standInImages(host);
    await withOutside(host, async (outside) => {
      await host.dockerOk(['network', 'create', '--subnet', '10.201.0.0/24', 'natted']);
      await host.dockerOk(['network', 'create', '--subnet', '10.202.0.0/24', '-o', 'com.docker.network.bridge.gateway_mode_ipv4=routed', 'routed']);
      await host.dockerOk(['run', '-d', '--network', 'natted', '--ip', '10.201.0.10', '-p', '18090:80', 'nginx:latest']);
      await host.dockerOk(['run', '-d', '--network', 'routed', '--ip', '10.202.0.10', 'nginx:latest']);
      // The outside's default route goes through the host, so it has a route to both subnets.
      const [direct, published, routed] = await Promise.all([
        outside.fetch('http://10.201.0.10/'),
        outside.fetch(`http://${HOST_ADDRESS}:18090/`),
        outside.fetch('http://10.202.0.10/'),
      ]);
      assert.notEqual(direct.code, 0, 'a NAT-mode container is not reachable at its own address from outside');
      assert.match(published.stdout, NGINX, 'but is through its published port');
      assert.match(routed.stdout, NGINX, 'a routed network\'s container is reachable at its address');
      const bad = await host.api('POST', '/v1.41/networks/create', JSON.stringify({ Name: 'bad', Driver: 'bridge', Options: { 'com.docker.network.bridge.gateway_mode_ipv4': 'nat-unprotected' } }));
      assert.equal(bad.status, 400);
      assert.match(bad.body, /com\.docker\.network\.bridge\.gateway_mode_ipv4/);
      assert.doesNotMatch(await host.dockerOk(['network', 'ls', '--format', '{{.Name}}']), /^bad$/m, 'nothing created');
    });
  });
});

test('conntrack: a UDP flow does not follow a removed container\'s address; the next publisher of the port gets it', async () => {
  await withHost(async (host) => {
    await withOutside(host, async (_outside, outsidePath) => {
      const handles: ProcessHandle[] = [];
      try {
        await host.dockerOk(['network', 'create', '--subnet', '10.203.0.0/24', 'udpnet']);
        await host.dockerOk(['run', '-d', '--name', 'old', '--network', 'udpnet', '--ip', '10.203.0.10', '-p', '15300:5300/udp', 'busybox', 'sleep', '600']);
        const oldLog = join(host.dir, 'old.udp');
        const oldReceiver = udpReceiver(await sandboxOf(host, 'old'), 5300, oldLog);
        handles.push(oldReceiver, udpSender(outsidePath, HOST_ADDRESS, 15300));
        await waitFor('the first container to receive the flow', async () => (await received(oldLog)).length > 0);
        await oldReceiver.stop(2_000);
        await host.dockerOk(['rm', '-f', 'old']);
        // Someone else's container gets the address; it publishes nothing.
        await host.dockerOk(['run', '-d', '--name', 'heir', '--network', 'udpnet', '--ip', '10.203.0.10', 'busybox', 'sleep', '600']);
        const heirLog = join(host.dir, 'heir.udp');
        handles.push(udpReceiver(await sandboxOf(host, 'heir'), 5300, heirLog));
        await delay(2_000);
        assert.deepEqual(await received(heirLog), [], 'the new owner of the old address receives nothing');
        await host.dockerOk(['run', '-d', '--name', 'next', '--network', 'udpnet', '--ip', '10.203.0.11', '-p', '15300:5300/udp', 'busybox', 'sleep', '600']);
        const nextLog = join(host.dir, 'next.udp');
        handles.push(udpReceiver(await sandboxOf(host, 'next'), 5300, nextLog));
        await waitFor('the new publisher of the port to receive the flow', async () => (await received(nextLog)).length > 0);
        assert.deepEqual(await received(heirLog), [], 'and still nothing');
      } finally {
        await stopAll(handles);
      }
    });
  });
});

test('conntrack: replies to a removed container\'s outbound UDP flow don\'t reach the next owner of its address', async () => {
  await withHost(async (host) => {
    await withOutside(host, async (_outside, outsidePath) => {
      const handles: ProcessHandle[] = [];
      try {
        await host.dockerOk(['network', 'create', '--subnet', '10.204.0.0/24', 'outnet']);
        handles.push(udpPusher(outsidePath, 9999));
        await delay(500); // the pusher binds
        await host.dockerOk(['run', '-d', '--name', 'client', '--network', 'outnet', '--ip', '10.204.0.10', 'busybox', 'sleep', '600']);
        // The container opens the flow (source port 5302, masqueraded); the outside keeps replying.
        await udpSendOnce(await sandboxOf(host, 'client'), 5302, OUTSIDE_ADDRESS, 9999);
        await delay(1_000);
        await host.dockerOk(['rm', '-f', 'client']);
        await host.dockerOk(['run', '-d', '--name', 'heir', '--network', 'outnet', '--ip', '10.204.0.10', 'busybox', 'sleep', '600']);
        const heirLog = join(host.dir, 'heir-out.udp');
        handles.push(udpReceiver(await sandboxOf(host, 'heir'), 5302, heirLog));
        await delay(2_000);
        assert.deepEqual(await received(heirLog), [], 'the outside\'s replies to the old flow must not reach the new owner of the address');
      } finally {
        await stopAll(handles);
      }
    });
  });
});

interface HealProbe {
  isolated: boolean;
  masqueradedAs: string;
  published: boolean;
}

async function probeAll(host: TestHost, outside: Outside): Promise<HealProbe> {
  const [a1, b1] = [await sandboxOf(host, 'a1'), await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.Networks.b.IPAddress}}', 'b1'])];
  const [cross, masq, published] = await Promise.all([
    httpGet(a1, `http://${b1}/`),
    httpGet(a1, `http://${OUTSIDE_ADDRESS}:8000/`),
    outside.fetch(`http://${HOST_ADDRESS}:18095/`),
  ]);
  return { isolated: cross.code !== 0, masqueradedAs: masq.stdout.trim(), published: NGINX.test(published.stdout) };
}

/**
 * Runs the damage and times the heal with a monitor of our own: from the moment the deletion is
 * reported to the moment our table is reported created again (what the daemon controls), and
 * from just before the damaging `nft` was started (includes that process's own start).
 */
async function damageAndTimeHeal(host: TestHost, monitor: TableEventLog, damage: readonly string[]): Promise<{ heal: number; total: number }> {
  const started = performance.now();
  const result = await host.nft(damage);
  assert.equal(result.code, 0, result.stderr);
  const deleted = await monitor.next('delete table inet conet', started);
  assert.ok(deleted !== undefined, 'the deletion was seen');
  const back = await monitor.next('add table inet conet', deleted);
  return { heal: (back ?? Infinity) - deleted, total: (back ?? Infinity) - started };
}

const withoutHandles = (listing: string): string => listing.replace(/ # handle \d+/g, '');

test('self-heal: after `nft flush ruleset` or `nft delete table inet conet` everything is back within 1 s, no restart', async () => {
  await withHost(async (host) => {
    await standInImages(host);
    await withOutside(host, async (outside, outsidePath) => {
      const server = echoAddressServer(outsidePath, 8000);
      try {
        await host.dockerOk(['network', 'create', 'a']);
        await host.dockerOk(['network', 'create', 'b']);
        await Promise.all([
          host.dockerOk(['run', '-d', '--name', 'a1', '--network', 'a', 'nginx:latest']),
          host.dockerOk(['run', '-d', '--name', 'b1', '--network', 'b', 'nginx:latest']),
          host.dockerOk(['run', '-d', '--name', 'pub', '--network', 'a', '-p', '18095:80', 'nginx:latest']),
        ]);
        await waitFor('the outside server', async () => (await httpGet(host.netnsPath, `http://${OUTSIDE_ADDRESS}:8000/`)).code === 0);
        const healthy: HealProbe = { isolated: true, masqueradedAs: HOST_ADDRESS, published: true };
        assert.deepEqual(await probeAll(host, outside), healthy, 'before');
        const before = withoutHandles((await host.nft(['list', 'table', 'inet', 'conet'])).stdout);
        const daemonPid = host.daemonPid;
        const monitor = new TableEventLog(host.netnsPath);
        try {
          await delay(300); // the monitor subscribes
          for (const damage of [['flush', 'ruleset'], ['delete', 'table', 'inet', 'conet']]) {
            const { heal, total } = await damageAndTimeHeal(host, monitor, damage);
            console.log(`# nft ${damage.join(' ')}: table back ${Math.round(heal)} ms after the deletion (${Math.round(total)} ms after starting nft)`);
            assert.ok(heal < 1_000, `table back within 1 s after nft ${damage.join(' ')} (took ${heal} ms)`);
            assert.equal(withoutHandles((await host.nft(['list', 'table', 'inet', 'conet'])).stdout), before, 'the same table as before');
            assert.deepEqual(await probeAll(host, outside), healthy, `after nft ${damage.join(' ')}`);
            assert.equal((await host.nft(['list', 'chain', 'inet', 'conet-user', 'forward'])).code, 0, 'the users\' table is back too');
          }
        } finally {
          await monitor.stop();
        }
        assert.equal(host.daemonPid, daemonPid, 'no restart');
        // Changes after a heal land in the rebuilt table (the daemon's long-lived `nft -i` included).
        await host.dockerOk(['network', 'create', 'c']);
        await host.dockerOk(['run', '-d', '--name', 'late', '--network', 'c', '-p', '18097:80', 'nginx:latest']);
        assert.match((await outside.fetch(`http://${HOST_ADDRESS}:18097/`)).stdout, NGINX, 'a port published after the heal');
        const late = await sandboxOf(host, 'late');
        const b1 = await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.Networks.b.IPAddress}}', 'b1']);
        assert.notEqual((await httpGet(late, `http://${b1}/`)).code, 0, 'a network created after the heal is isolated');
      } finally {
        await server.stop(2_000);
      }
    });
  });
});

test('the users\' table conet-user: a drop there closes a published port and survives a restart', async () => {
  await withHost(async (host) => {
    await standInImages(host);
    await withOutside(host, async (outside) => {
      await host.dockerOk(['run', '-d', '--name', 'web', '-p', '18096:80', 'nginx:latest']);
      const url = `http://${HOST_ADDRESS}:18096/`;
      assert.match((await outside.fetch(url)).stdout, NGINX);
      const listing = (await host.nft(['list', 'table', 'inet', 'conet-user'])).stdout;
      assert.match(listing, /chain forward \{\n\t\ttype filter hook forward priority filter - 10; policy accept;\n\t\}/, 'created empty');
      const added = await host.nft(['add', 'rule', 'inet', 'conet-user', 'forward', 'meta', 'l4proto', 'tcp', 'ct', 'original', 'proto-dst', '18096', 'drop']);
      assert.equal(added.code, 0, added.stderr);
      assert.notEqual((await outside.fetch(url)).code, 0, 'the user\'s drop is final');
      await host.restart();
      assert.match((await host.nft(['list', 'table', 'inet', 'conet-user'])).stdout, /meta l4proto tcp ct original proto-dst 18096 drop/, 'kept across a restart');
      assert.notEqual((await outside.fetch(url)).code, 0, 'still closed after the restart');
      await host.nft(['flush', 'chain', 'inet', 'conet-user', 'forward']);
      assert.match((await outside.fetch(url)).stdout, NGINX, 'open again once the user removes the rule');
    });
  });
});

