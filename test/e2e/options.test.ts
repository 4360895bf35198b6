/**
 * Static addressing and per-container network options (issue 4, item 3) with the real docker CLI:
 * --ip on run and connect, --ip-range and --aux-address, --mac-address, --add-host (including
 * host-gateway), --dns/--dns-search/--dns-option, --hostname, --network-alias and a per-network
 * MTU, each checked both in inspect and inside the container.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../src/exec/index.js';
import { withHost, type TestHost } from '../helpers/host.js';
import { standInImages } from '../helpers/images.js';

interface LinkJson {
  ifname: string;
  mtu: number;
  address: string;
  addr_info: Array<{ family: string; local: string }>;
}

async function eth(host: TestHost, container: string, ifname = 'eth0'): Promise<LinkJson> {
  const netns = await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.SandboxKey}}', container]);
  const result = await run(['nsenter', `--net=${netns}`, 'ip', '-json', 'addr', 'show', 'dev', ifname]);
  const [link] = JSON.parse(result.stdout) as LinkJson[];
  assert.ok(link, `${ifname} in ${container}`);
  return link;
}

function ipv4Of(link: LinkJson): string[] {
  return link.addr_info.filter((info) => info.family === 'inet').map((info) => info.local);
}

test('--ip on run and connect, --ip-range and --aux-address: reserved addresses are never handed out', async () => {
  await withHost(async (host) => {
    await standInImages(host);
    await host.dockerOk(['network', 'create', '--subnet', '10.77.0.0/24', '--ip-range', '10.77.0.0/29',
      '--aux-address', 'router=10.77.0.2', '--aux-address', 'printer=10.77.0.3', 'st']);
    // Dynamic addresses come from the range minus network address, gateway and aux addresses.
    const dynamic: string[] = [];
    for (let index = 0; index < 4; index += 1) {
      const id = await host.dockerOk(['run', '-d', '--network', 'st', 'busybox', 'sleep', '300']);
      dynamic.push(await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.Networks.st.IPAddress}}', id]));
    }
    assert.deepEqual([...dynamic].sort(), ['10.77.0.4', '10.77.0.5', '10.77.0.6', '10.77.0.7']);
    const full = await host.docker(['run', '-d', '--network', 'st', 'busybox', 'sleep', '300']);
    assert.notEqual(full.code, 0, 'range exhausted: aux addresses must not be handed out');
    assert.match(full.stderr, /no available IPv4 addresses/i);

    // --ip outside the range but inside the subnet (the usual reason for --ip-range).
    await host.dockerOk(['run', '-d', '--name', 'fixed', '--network', 'st', '--ip', '10.77.0.100', 'busybox', 'sleep', '300']);
    assert.equal(await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.Networks.st.IPAddress}}', 'fixed']), '10.77.0.100');
    assert.equal(await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.Networks.st.IPAMConfig.IPv4Address}}', 'fixed']), '10.77.0.100');
    assert.deepEqual(ipv4Of(await eth(host, 'fixed')), ['10.77.0.100']);
    const aux = await host.docker(['run', '-d', '--network', 'st', '--ip', '10.77.0.2', 'busybox', 'sleep', '300']);
    assert.notEqual(aux.code, 0);
    assert.match(aux.stderr, /Address already in use/);
    const outside = await host.docker(['run', '-d', '--network', 'st', '--ip', '10.78.0.5', 'busybox', 'sleep', '300']);
    assert.notEqual(outside.code, 0);
    assert.match(outside.stderr, /Invalid address 10\.78\.0\.5: It does not belong to any of this network's subnets/);

    // connect --ip to a running container: a new interface with exactly that address.
    await host.dockerOk(['network', 'create', '--subnet', '10.79.0.0/24', '--ip-range', '10.79.0.128/25', 'st2']);
    await host.dockerOk(['network', 'connect', '--ip', '10.79.0.50', 'st2', 'fixed']);
    assert.equal(await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.Networks.st2.IPAddress}}', 'fixed']), '10.79.0.50');
    assert.deepEqual(ipv4Of(await eth(host, 'fixed', 'eth1')), ['10.79.0.50']);
    // And to a created container: attached with that address at start.
    await host.dockerOk(['create', '--name', 'later', 'busybox', 'sleep', '300']);
    await host.dockerOk(['network', 'connect', '--ip', '10.79.0.51', 'st2', 'later']);
    const busy = await host.docker(['network', 'connect', '--ip', '10.79.0.50', 'st2', 'later']);
    assert.notEqual(busy.code, 0);
    await host.dockerOk(['start', 'later']);
    assert.equal(await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.Networks.st2.IPAddress}}', 'later']), '10.79.0.51');
  });
});

/**
 * --mac-address as the docker 20.10 CLI sends it: Config.MacAddress at API 1.41. (The installed
 * CLI, v28, refuses `--mac-address` itself against a daemon older than API 1.44: it only knows the
 * per-network field; that field, EndpointsConfig.*.MacAddress, is honoured too.)
 */
async function createWithMac(host: TestHost, name: string, mac: string, networkMode: string): Promise<{ status: number; body: string }> {
  const body = { Image: 'busybox', Cmd: ['sleep', '300'], MacAddress: mac, HostConfig: { NetworkMode: networkMode } };
  return host.api('POST', `/v1.41/containers/create?name=${name}`, JSON.stringify(body));
}

test('--mac-address sets the endpoint MAC (default bridge and user network); refused with host, none, container modes', async () => {
  await withHost(async (host) => {
    await standInImages(host);
    await host.dockerOk(['network', 'create', 'm']);
    assert.equal((await createWithMac(host, 'mac1', '02:aa:bb:cc:dd:01', 'default')).status, 201);
    assert.equal((await createWithMac(host, 'mac2', '02:AA:BB:CC:DD:02', 'm')).status, 201);
    await host.dockerOk(['start', 'mac1', 'mac2']);
    assert.equal(await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.Networks.bridge.MacAddress}}', 'mac1']), '02:aa:bb:cc:dd:01');
    assert.equal(await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.MacAddress}}', 'mac1']), '02:aa:bb:cc:dd:01');
    assert.equal((await eth(host, 'mac1')).address, '02:aa:bb:cc:dd:01');
    assert.equal(await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.Networks.m.MacAddress}}', 'mac2']), '02:aa:bb:cc:dd:02');
    assert.equal((await eth(host, 'mac2')).address, '02:aa:bb:cc:dd:02');
    // Per-network form (API >= 1.44 clients) on a connect-less run.
    const perNetwork = { Image: 'busybox', Cmd: ['sleep', '300'], HostConfig: { NetworkMode: 'm' }, NetworkingConfig: { EndpointsConfig: { m: { MacAddress: '02:aa:bb:cc:dd:04' } } } };
    assert.equal((await host.api('POST', '/v1.41/containers/create?name=mac4', JSON.stringify(perNetwork))).status, 201);
    await host.dockerOk(['start', 'mac4']);
    assert.equal((await eth(host, 'mac4')).address, '02:aa:bb:cc:dd:04');
    // Traffic flows with the chosen MAC: mac4 pings mac2 and learns its MAC as the neighbour.
    const address = await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.Networks.m.IPAddress}}', 'mac2']);
    await host.dockerOk(['exec', 'mac4', 'ping', '-c1', '-W2', address]);
    const mac4Netns = await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.SandboxKey}}', 'mac4']);
    assert.match((await run(['nsenter', `--net=${mac4Netns}`, 'ip', 'neigh', 'show', address])).stdout, /lladdr 02:aa:bb:cc:dd:02/);
    for (const mode of ['host', 'none', 'container:mac1']) {
      const refused = await createWithMac(host, `refused-${mode.replace(':', '-')}`, '02:aa:bb:cc:dd:03', mode);
      assert.equal(refused.status, 400, mode);
      assert.match(refused.body, /conflicting options: mac-address and the network mode/, mode);
    }
    const bad = await createWithMac(host, 'bad', '02:aa:bb:cc:dd', 'default');
    assert.equal(bad.status, 400);
    assert.match(bad.body, /invalid MAC address/);
  });
});

test('--add-host (with host-gateway), --dns, --dns-search, --dns-option and --hostname inside the container', async () => {
  await withHost(async (host) => {
    await standInImages(host);
    const output = await host.dockerOk([
      'run', '--rm', '--hostname', 'myhost', '--add-host', 'db:10.1.2.3', '--add-host', 'host.docker.internal:host-gateway',
      '--dns', '192.0.2.53', '--dns-search', 'example.test', '--dns-option', 'ndots:3',
      'busybox', 'sh', '-c', 'cat /etc/hosts; echo ---; cat /etc/resolv.conf; echo ---; hostname; echo ---; ip route | grep default',
    ]);
    const [hosts = '', resolv = '', name = '', route = ''] = output.split('---\n');
    const gateway = /default via (\S+)/.exec(route)?.[1];
    assert.ok(gateway, `default route: ${route}`);
    // host-gateway is the default bridge's gateway (Docker's default host-gateway-ip).
    assert.match(hosts, new RegExp(`^${gateway.replace(/\./g, '\\.')}\\thost\\.docker\\.internal$`, 'm'));
    assert.match(hosts, /^10\.1\.2\.3\tdb$/m);
    assert.match(hosts, /^172\.\d+\.\d+\.\d+\tmyhost$/m);
    assert.match(resolv, /^search example\.test$/m);
    assert.match(resolv, /^nameserver 192\.0\.2\.53$/m);
    assert.match(resolv, /^options ndots:3$/m);
    assert.equal(name.trim(), 'myhost');
    // Inspect keeps the entries as given, as Docker does.
    const id = await host.dockerOk(['run', '-d', '--add-host', 'gw:host-gateway', 'busybox', 'sleep', '300']);
    assert.equal(await host.dockerOk(['inspect', '-f', '{{json .HostConfig.ExtraHosts}}', id]), '["gw:host-gateway"]');
    // The host-gateway address answers: it is the host itself, on the bridge.
    await host.dockerOk(['exec', id, 'ping', '-c1', '-W2', 'gw']);
  });
});

test('--network-alias on run and --alias on connect show in inspect; per-network MTU reaches eth0', async () => {
  await withHost(async (host) => {
    await standInImages(host);
    await host.dockerOk(['network', 'create', 'a']);
    await host.dockerOk(['network', 'create', '-o', 'com.docker.network.driver.mtu=1400', 'small']);
    await host.dockerOk(['run', '-d', '--name', 'web', '--network', 'a', '--network-alias', 'web-alias', 'busybox', 'sleep', '300']);
    const aliases = JSON.parse(await host.dockerOk(['inspect', '-f', '{{json .NetworkSettings.Networks.a.Aliases}}', 'web'])) as string[];
    assert.ok(aliases.includes('web-alias'), `aliases: ${aliases.join(', ')}`);
    await host.dockerOk(['network', 'connect', '--alias', 'small-alias', 'small', 'web']);
    const smallAliases = JSON.parse(await host.dockerOk(['inspect', '-f', '{{json .NetworkSettings.Networks.small.Aliases}}', 'web'])) as string[];
    assert.ok(smallAliases.includes('small-alias'), `aliases: ${smallAliases.join(', ')}`);
    assert.equal((await eth(host, 'web', 'eth1')).mtu, 1400);
    assert.equal((await eth(host, 'web', 'eth0')).mtu, 1500);
    await host.dockerOk(['run', '-d', '--name', 'tiny', '--network', 'small', 'busybox', 'sleep', '300']);
    assert.equal(await host.dockerOk(['exec', 'tiny', 'cat', '/sys/class/net/eth0/mtu']), '1400');
    const bridge = await host.dockerOk(['network', 'inspect', '-f', '{{index .Options "com.docker.network.bridge.name"}}', 'small']);
    const bridgeName = bridge || `br-${(await host.dockerOk(['network', 'inspect', '-f', '{{.Id}}', 'small'])).slice(0, 12)}`;
    const [link] = await host.ipJson<Array<{ mtu: number }>>(['link', 'show', 'dev', bridgeName]);
    assert.equal(link?.mtu, 1400);
  });
});

test('--add-host in host mode: appended to the host\'s /etc/hosts (as Docker)', async () => {
  await withHost(async (host) => {
    const hosts = await host.dockerOk(['run', '--rm', '--network', 'host', '--add-host', 'db:10.1.2.3', '--add-host', 'gw:host-gateway', 'busybox', 'cat', '/etc/hosts']);
    const lines = hosts.split('\n');
    assert.ok(lines.includes('10.1.2.3\tdb'), hosts);
    assert.ok(lines.includes('172.17.0.1\tgw'), hosts);
    assert.ok(lines.some((line) => /^127\.0\.0\.1\s+localhost/.test(line)), hosts);
  });
});
