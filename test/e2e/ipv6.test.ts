/**
 * IPv6 (issue 4, item 5) with the real docker CLI: dual-stack networks with a given subnet or one
 * from the daemon's ULA pool, container-to-container v6 traffic, published ports over v6 from an
 * outside namespace, and outbound v6 masquerade (on by default, switchable).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run, startProcess, type ProcessHandle } from '../../src/exec/index.js';
import { delay, withHost, type TestHost } from '../helpers/host.js';
import { standInImages } from '../helpers/images.js';
import { HOST_ADDRESS, HOST_ADDRESS6, OUTSIDE_ADDRESS, OUTSIDE_ADDRESS6, Outside, httpGet } from '../helpers/outside.js';

interface IpamConfig {
  Subnet: string;
  Gateway?: string;
}

async function networkConfigs(host: TestHost, name: string): Promise<{ enableIPv6: boolean; subnets: string[] }> {
  const [network] = JSON.parse(await host.dockerOk(['network', 'inspect', name])) as Array<{ EnableIPv6: boolean; IPAM: { Config: IpamConfig[] } }>;
  assert.ok(network);
  return { enableIPv6: network.EnableIPv6, subnets: network.IPAM.Config.map((config) => config.Subnet).sort() };
}

function ping(netns: string, address: string): Promise<boolean> {
  return run(['nsenter', `--net=${netns}`, '/usr/bin/busybox', 'ping', '-c1', '-W2', address], { allowFailure: true, timeoutMs: 10_000 }).then((result) => result.code === 0);
}

async function sandboxOf(host: TestHost, container: string): Promise<string> {
  return host.dockerOk(['inspect', '-f', '{{.NetworkSettings.SandboxKey}}', container]);
}

/** An HTTP server in the outside namespace answering with the client's address (what it sees as source). */
async function sourceEchoServer(outside: Outside): Promise<ProcessHandle> {
  const script = "require('http').createServer((q, s) => s.end(q.socket.remoteAddress)).listen(8081, '::')";
  const server = startProcess(['nsenter', `--net=/run/netns/${outside.netns}`, process.execPath, '-e', script]);
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if ((await outside.fetch(`http://[${OUTSIDE_ADDRESS6}]:8081/`)).code === 0) return server;
    await delay(50);
  }
  await server.stop(2_000);
  throw new Error('outside echo server did not start');
}

test('--ipv6 --subnet gives a dual-stack network: both addresses, v6 route, v6 traffic and published ports over v6', async () => {
  await withHost(async (host) => {
    await standInImages(host);
    const outside = await Outside.create(host);
    try {
      await host.dockerOk(['network', 'create', '--ipv6', '--subnet', 'fd00:dead:beef::/64', 'v6net']);
      const configs = await networkConfigs(host, 'v6net');
      assert.equal(configs.enableIPv6, true);
      assert.equal(configs.subnets.length, 2, JSON.stringify(configs));
      assert.match(configs.subnets[0] ?? '', /^172\.\d+\.0\.0\/16$/, 'a v4 subnet from the pools');
      assert.equal(configs.subnets[1], 'fd00:dead:beef::/64');

      await host.dockerOk(['run', '-d', '--name', 'web', '--network', 'v6net', '-p', '8080:80', 'nginx:latest']);
      await host.dockerOk(['run', '-d', '--name', 'client', '--network', 'v6net', 'busybox', 'sleep', '300']);
      const addr = await host.dockerOk(['exec', 'client', 'ip', 'addr', 'show', 'eth0']);
      assert.match(addr, /inet 172\.\d+\.0\.3\/16/);
      assert.match(addr, /inet6 fd00:dead:beef::3\/64 scope global/);
      assert.match(await host.dockerOk(['exec', 'client', 'ip', '-6', 'route']), /default via fd00:dead:beef::1 dev eth0/);
      const shown = await host.dockerOk(['inspect', '-f', '{{with .NetworkSettings.Networks.v6net}}{{.GlobalIPv6Address}}/{{.GlobalIPv6PrefixLen}} {{.IPv6Gateway}}{{end}}', 'web']);
      assert.equal(shown, 'fd00:dead:beef::2/64 fd00:dead:beef::1');

      const client = await sandboxOf(host, 'client');
      assert.ok(await ping(client, 'fd00:dead:beef::2'), 'ping6 container to container');
      assert.match((await host.docker(['exec', 'client', 'timeout', '5', 'busybox', 'wget', '-qO-', 'http://[fd00:dead:beef::2]/'])).stdout, /Welcome to nginx/, 'HTTP over v6 between containers');

      const ports = await host.dockerOk(['port', 'web', '80']);
      assert.match(ports, /^0\.0\.0\.0:8080$/m);
      assert.match(ports, /^\[::\]:8080$/m);
      assert.match((await outside.fetch(`http://[${HOST_ADDRESS6}]:8080/`)).stdout, /Welcome to nginx/, 'published port over v6 from outside');
      assert.match((await outside.fetch(`http://${HOST_ADDRESS}:8080/`)).stdout, /Welcome to nginx/, 'and still over v4');
      assert.match((await httpGet(client, `http://[${HOST_ADDRESS6}]:8080/`)).stdout, /Welcome to nginx/, 'hairpin over v6');

      // A running container keeps its v6 port across a daemon restart (restored from the store).
      await host.restart();
      assert.match((await outside.fetch(`http://[${HOST_ADDRESS6}]:8080/`)).stdout, /Welcome to nginx/, 'v6 port after a restart');
      assert.match(await host.dockerOk(['port', 'web', '80']), /^\[::\]:8080$/m);
      await host.dockerOk(['rm', '-f', 'web']);
      assert.notEqual((await outside.fetch(`http://[${HOST_ADDRESS6}]:8080/`)).code, 0, 'gone once removed');
    } finally {
      await outside.dispose();
    }
  });
});

test('--ipv6 without a subnet takes a /64 of the daemon\'s stored ULA /48; v6 leaves masqueraded unless switched off', async () => {
  await withHost(async (host) => {
    await standInImages(host);
    const outside = await Outside.create(host);
    let server: ProcessHandle | undefined;
    try {
      await host.dockerOk(['network', 'create', '--ipv6', 'auto1']);
      await host.dockerOk(['network', 'create', '--ipv6', 'auto2']);
      const first = (await networkConfigs(host, 'auto1')).subnets.find((subnet) => subnet.includes(':')) ?? '';
      const second = (await networkConfigs(host, 'auto2')).subnets.find((subnet) => subnet.includes(':')) ?? '';
      const match = /^(fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4})::\/64$/.exec(first);
      assert.ok(match, `ULA /64: ${first}`);
      assert.equal(second, `${match[1]}:1::/64`, 'the next /64 of the same /48');
      await host.restart();
      await host.dockerOk(['network', 'rm', 'auto2']);
      await host.dockerOk(['network', 'create', '--ipv6', 'auto3']);
      assert.ok((await networkConfigs(host, 'auto3')).subnets.includes(`${match[1]}:1::/64`), 'same /48 after a restart');

      server = await sourceEchoServer(outside);
      const url = `http://[${OUTSIDE_ADDRESS6}]:8081/`;
      await host.dockerOk(['run', '-d', '--name', 'out1', '--network', 'auto1', 'busybox', 'sleep', '300']);
      assert.equal((await httpGet(await sandboxOf(host, 'out1'), url)).stdout, HOST_ADDRESS6, 'outside sees the host address');

      await host.dockerOk(['network', 'create', '--ipv6', '-o', 'com.docker.network.bridge.enable_ip_masquerade=false', 'nomasq']);
      await host.dockerOk(['run', '-d', '--name', 'out2', '--network', 'nomasq', 'busybox', 'sleep', '300']);
      const own = await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.Networks.nomasq.GlobalIPv6Address}}', 'out2']);
      // The outside's default route points at the host, so replies find their way without NAT too.
      assert.equal((await httpGet(await sandboxOf(host, 'out2'), url)).stdout, own, 'no masquerade: the container\'s own address');
    } finally {
      await server?.stop(2_000);
      await outside.dispose();
    }
  });
});

test('ip6-masq=false in the config file turns v6 masquerade off and leaves v4 masquerade on', async () => {
  await withHost(async (host) => {
    await standInImages(host);
    const outside = await Outside.create(host);
    let server: ProcessHandle | undefined;
    try {
      await host.dockerOk(['network', 'create', '--ipv6', 'v6']);
      const table = (await host.nft(['list', 'table', 'inet', 'conet'])).stdout;
      assert.match(table, /ip saddr 172\.18\.0\.0\/16 masquerade/);
      assert.doesNotMatch(table, /ip6 saddr fd[0-9a-f:]+\/64 masquerade/);
      server = await sourceEchoServer(outside);
      await host.dockerOk(['run', '-d', '--name', 'c6', '--network', 'v6', 'busybox', 'sleep', '300']);
      const sandbox = await sandboxOf(host, 'c6');
      const own = await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.Networks.v6.GlobalIPv6Address}}', 'c6']);
      assert.equal((await httpGet(sandbox, `http://[${OUTSIDE_ADDRESS6}]:8081/`)).stdout, own, 'v6 not masqueraded');
      assert.equal((await httpGet(sandbox, `http://${OUTSIDE_ADDRESS}:8081/`)).stdout, `::ffff:${HOST_ADDRESS}`, 'v4 still masqueraded');
    } finally {
      await server?.stop(2_000);
      await outside.dispose();
    }
  }, { config: { 'ip6-masq': false } });
});

test('ipv6 + fixed-cidr-v6 in the config file: the default bridge is dual-stack; switching it off again at a restart follows the config', async () => {
  await withHost(async (host) => {
    await standInImages(host);
    const outside = await Outside.create(host);
    try {
      const bridge = await networkConfigs(host, 'bridge');
      assert.deepEqual(bridge, { enableIPv6: true, subnets: ['172.17.0.0/16', 'fd00:b1d6::/64'] });
      await host.dockerOk(['run', '-d', '--name', 'web', '-p', '8080:80', 'nginx:latest']);
      await host.dockerOk(['run', '-d', '--name', 'client', 'busybox', 'sleep', '300']);
      const addr = await host.dockerOk(['exec', 'client', 'ip', 'addr', 'show', 'eth0']);
      assert.match(addr, /inet 172\.17\.0\.3\/16/);
      assert.match(addr, /inet6 fd00:b1d6::3\/64 scope global/);
      assert.match(await host.dockerOk(['exec', 'client', 'ip', '-6', 'route']), /default via fd00:b1d6::1 dev eth0/);
      assert.equal(await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.GlobalIPv6Address}}', 'web']), 'fd00:b1d6::2');
      assert.ok(await ping(await sandboxOf(host, 'client'), 'fd00:b1d6::2'), 'ping6 between containers on the default bridge');
      assert.match((await outside.fetch(`http://[${HOST_ADDRESS6}]:8080/`)).stdout, /Welcome to nginx/, 'published port over v6 from outside');
    } finally {
      await outside.dispose();
    }
    // With containers gone and the keys removed, the next start brings the default bridge back to v4 only.
    await host.dockerOk(['rm', '-f', 'web', 'client']);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${host.dir}/daemon.json`, JSON.stringify({}));
    await host.restart();
    assert.deepEqual(await networkConfigs(host, 'bridge'), { enableIPv6: false, subnets: ['172.17.0.0/16'] });
    assert.doesNotMatch(await host.ip(['-6', 'addr', 'show', 'dev', 'conet0']), /fd00:b1d6/);
  }, { config: { ipv6: true, 'fixed-cidr-v6': 'fd00:b1d6::/64' } });
});
