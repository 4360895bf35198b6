/**
 * The API version the docker CLI 28.2 speaks (issue 12, item 7): 1.50 without a downgrade, 1.41
 * shapes for a client that asks for 1.41, and the network fields added since 1.41 seen from
 * inside the containers: `--gw-priority` (the default route), the endpoint ifname option, a MAC
 * address on connect, and IPv6-only networks (`--ipv4=false`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withHost, type TestHost } from '../helpers/host.js';
import { standInImages } from '../helpers/images.js';

type Json = Record<string, unknown>;

async function inspectJson(host: TestHost, path: string): Promise<Json> {
  const response = await host.api('GET', path);
  assert.equal(response.status, 200, `${path}: ${response.body}`);
  return JSON.parse(response.body) as Json;
}

function endpointOf(container: Json, network: string): Json {
  return ((container['NetworkSettings'] as Json)['Networks'] as Json)[network] as Json;
}

/** The IPv4 default route inside the container, as /proc/net/route shows it: the interface's name. */
async function defaultRouteDevice(host: TestHost, container: string): Promise<string> {
  const table = await host.dockerOk(['exec', container, 'cat', '/proc/net/route']);
  const line = table.split('\n').slice(1).map((row) => row.trim().split(/\s+/)).find((fields) => fields[1] === '00000000' && fields[7] === '00000000');
  return line?.[0] ?? '';
}

test('docker version talks API 1.50 without a downgrade; a /v1.41 client still gets 1.41 shapes', async () => {
  await withHost(async (host) => {
    await standInImages(host);
    assert.equal(await host.dockerOk(['version', '--format', '{{.Client.APIVersion}} {{.Server.APIVersion}} {{.Server.MinAPIVersion}}']), '1.50 1.50 1.24');
    assert.doesNotMatch(await host.dockerOk(['version']), /downgraded/);
    assert.equal((await host.api('GET', '/v1.51/version')).status, 400);
    assert.match((await host.api('GET', '/v1.23/version')).body, /too old. Minimum supported API version is 1.24/);

    await host.dockerOk(['network', 'create', 'front']);
    await host.dockerOk(['run', '-d', '--name', 'web', '--network', 'front', '--network-alias', 'www', 'busybox', 'sleep', '300']);
    const shortId = (await host.dockerOk(['inspect', '-f', '{{.Id}}', 'web'])).slice(0, 12);

    // 1.41: the short id among the aliases, no DNSNames or GwPriority; 1.50: as Docker 28.
    const old = endpointOf(await inspectJson(host, '/v1.41/containers/web/json'), 'front');
    assert.deepEqual(old['Aliases'], ['www', shortId]);
    assert.equal('DNSNames' in old, false);
    assert.equal('GwPriority' in old, false);
    const now = endpointOf(await inspectJson(host, '/v1.50/containers/web/json'), 'front');
    assert.deepEqual(now['Aliases'], ['www']);
    assert.deepEqual(now['DNSNames'], ['web', 'www', shortId]);
    assert.equal(now['GwPriority'], 0);
    assert.equal(await host.dockerOk(['inspect', '-f', '{{json (index .NetworkSettings.Networks "front").DNSNames}}', 'web']), JSON.stringify(['web', 'www', shortId]));

    assert.equal('EnableIPv4' in (await inspectJson(host, '/v1.41/networks/front')), false);
    assert.equal((await inspectJson(host, '/v1.50/networks/front'))['EnableIPv4'], true);
    const oldImage = await inspectJson(host, '/v1.41/images/busybox/json');
    assert.ok('VirtualSize' in oldImage && 'ContainerConfig' in oldImage, '1.41 image inspect keeps VirtualSize and ContainerConfig');
    const image = await inspectJson(host, '/v1.50/images/busybox/json');
    assert.ok(!('VirtualSize' in image) && !('ContainerConfig' in image) && !('Container' in image), 'gone at 1.44/1.45');
  });
});

test('--gw-priority picks the network of the default route; the ifname option names the interface', async () => {
  await withHost(async (host) => {
    await standInImages(host);
    await host.dockerOk(['network', 'create', '--subnet', '10.31.0.0/24', 'neta']);
    await host.dockerOk(['network', 'create', '--subnet', '10.32.0.0/24', 'netb']);
    await host.dockerOk(['network', 'create', '--subnet', '10.33.0.0/24', 'netc']);
    await host.dockerOk(['run', '-d', '--name', 'multi', '--network', 'neta', 'busybox', 'sleep', '300']);
    assert.match(await host.dockerOk(['exec', 'multi', 'ip', 'route']), /^default via 10\.31\.0\.1 dev eth0/m);

    // Higher priority on connect: the default route moves to the new network, under its own name.
    await host.dockerOk(['network', 'connect', '--gw-priority', '10', '--driver-opt', 'com.docker.network.endpoint.ifname=uplink0', 'netb', 'multi']);
    assert.match(await host.dockerOk(['exec', 'multi', 'ip', 'addr', 'show', 'uplink0']), /inet 10\.32\.0\.2\/24/);
    assert.equal(await defaultRouteDevice(host, 'multi'), 'uplink0');
    assert.match(await host.dockerOk(['exec', 'multi', 'ip', 'route']), /^default via 10\.32\.0\.1 dev uplink0/m);
    assert.equal(await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.Networks.netb.GwPriority}}', 'multi']), '10');
    assert.equal(await host.dockerOk(['inspect', '-f', '{{json .NetworkSettings.Networks.netb.DriverOpts}}', 'multi']), '{"com.docker.network.endpoint.ifname":"uplink0"}');

    // A lower priority network joins without taking the route; the route comes back when the
    // high-priority network leaves.
    await host.dockerOk(['network', 'connect', '--gw-priority', '-5', 'netc', 'multi']);
    assert.equal(await defaultRouteDevice(host, 'multi'), 'uplink0');
    await host.dockerOk(['network', 'disconnect', 'netb', 'multi']);
    assert.equal(await defaultRouteDevice(host, 'multi'), 'eth0', 'back via neta (priority 0 beats -5)');

    // At create (API 1.44+: several networks on run): the highest priority wins at start.
    await host.dockerOk(['run', '-d', '--name', 'fresh', '--network', 'name=neta', '--network', 'name=netb,gw-priority=3', 'busybox', 'sleep', '300']);
    assert.match(await host.dockerOk(['exec', 'fresh', 'ip', 'route']), /^default via 10\.32\.0\.1 dev eth1/m);

    // A name in use, a bad name and another driver option are 400s that leave nothing behind.
    const taken = await host.docker(['network', 'connect', '--driver-opt', 'com.docker.network.endpoint.ifname=eth0', 'netc', 'fresh']);
    assert.notEqual(taken.code, 0);
    assert.match(taken.stderr, /interface name eth0 is already in use/);
    const other = await host.docker(['network', 'connect', '--driver-opt', 'com.docker.network.endpoint.sysctls=net.ipv4.conf.IFNAME.log_martians=1', 'netc', 'fresh']);
    assert.match(other.stderr, /conet does not support EndpointConfig\.DriverOpts\.com\.docker\.network\.endpoint\.sysctls/);
    const bad = await host.docker(['network', 'connect', '--driver-opt', 'com.docker.network.endpoint.ifname=way-too-long-name0', 'netc', 'fresh']);
    assert.match(bad.stderr, /invalid interface name/);
    assert.deepEqual((await host.dockerOk(['exec', 'fresh', 'ls', '/sys/class/net'])).split(/\s+/).sort(), ['eth0', 'eth1', 'lo']);
  });
});

test('a MAC address on connect (EndpointConfig.MacAddress) is the interface\'s, running or not', async () => {
  await withHost(async (host) => {
    await standInImages(host);
    await host.dockerOk(['network', 'create', 'maca']);
    await host.dockerOk(['network', 'create', 'macb']);
    await host.dockerOk(['run', '-d', '--name', 'live', '--network', 'maca', 'busybox', 'sleep', '300']);
    const live = await host.api('POST', '/v1.50/networks/macb/connect', JSON.stringify({ Container: 'live', EndpointConfig: { MacAddress: '02:42:0a:0b:0c:0d' } }));
    assert.equal(live.status, 200, live.body);
    assert.match(await host.dockerOk(['exec', 'live', 'cat', '/sys/class/net/eth1/address']), /^02:42:0a:0b:0c:0d$/);
    assert.equal(await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.Networks.macb.MacAddress}}', 'live']), '02:42:0a:0b:0c:0d');

    await host.dockerOk(['create', '--name', 'later', '--network', 'maca', 'busybox', 'sleep', '300']);
    const stopped = await host.api('POST', '/v1.50/networks/macb/connect', JSON.stringify({ Container: 'later', EndpointConfig: { MacAddress: '02:42:0a:0b:0c:0e' } }));
    assert.equal(stopped.status, 200, stopped.body);
    await host.dockerOk(['start', 'later']);
    assert.match(await host.dockerOk(['exec', 'later', 'cat', '/sys/class/net/eth1/address']), /^02:42:0a:0b:0c:0e$/);

    const badMac = await host.api('POST', '/v1.50/networks/macb/connect', JSON.stringify({ Container: 'later', EndpointConfig: { MacAddress: 'zz' } }));
    assert.equal(badMac.status, 400);
  });
});

test('--ipv4=false: an IPv6-only network, containers with only an IPv6 address that ping each other', async () => {
  await withHost(async (host) => {
    await standInImages(host);
    await host.dockerOk(['network', 'create', '--ipv4=false', '--ipv6', '--subnet', 'fd00:cafe::/64', 'v6only']);
    const [network] = JSON.parse(await host.dockerOk(['network', 'inspect', 'v6only'])) as Array<{ EnableIPv4: boolean; EnableIPv6: boolean; IPAM: { Config: Array<{ Subnet: string }> } }>;
    assert.equal(network?.EnableIPv4, false);
    assert.equal(network?.EnableIPv6, true);
    assert.deepEqual(network?.IPAM.Config.map((config) => config.Subnet), ['fd00:cafe::/64']);

    await host.dockerOk(['run', '-d', '--name', 'six1', '--network', 'v6only', 'busybox', 'sleep', '300']);
    await host.dockerOk(['run', '-d', '--name', 'six2', '--network', 'v6only', 'busybox', 'sleep', '300']);
    const addr = await host.dockerOk(['exec', 'six1', 'ip', 'addr', 'show', 'eth0']);
    assert.doesNotMatch(addr, /inet /, 'no IPv4 address');
    assert.match(addr, /inet6 fd00:cafe::2\/64 scope global/);
    assert.equal(await host.dockerOk(['exec', 'six1', 'ip', '-4', 'route']), '', 'no IPv4 route');
    assert.match(await host.dockerOk(['exec', 'six1', 'ip', '-6', 'route']), /default via fd00:cafe::1 dev eth0/);
    assert.equal(await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.Networks.v6only.IPAddress}}|{{.NetworkSettings.Networks.v6only.Gateway}}|{{.NetworkSettings.Networks.v6only.GlobalIPv6Address}}', 'six2']), '||fd00:cafe::3');
    const ping = await host.docker(['exec', 'six1', 'ping', '-c1', '-W2', 'fd00:cafe::3']);
    assert.equal(ping.code, 0, `ping6 between the containers: ${ping.stdout}${ping.stderr}`);

    // IPv4 and IPv6 both off, or an IPv4 address asked for, are 400s.
    const neither = await host.api('POST', '/v1.50/networks/create', JSON.stringify({ Name: 'none46', EnableIPv4: false }));
    assert.equal(neither.status, 400);
    assert.match(neither.body, /IPv4 or IPv6 must be enabled/);
    const withV4 = await host.docker(['network', 'create', '--ipv4=false', '--ipv6', '--subnet', '10.44.0.0/24', 'mixed']);
    assert.notEqual(withV4.code, 0);
    const staticV4 = await host.docker(['run', '-d', '--network', 'v6only', '--ip', '10.0.0.5', 'busybox', 'true']);
    assert.notEqual(staticV4.code, 0);
    assert.deepEqual((await host.dockerOk(['network', 'ls', '--format', '{{.Name}}'])).split('\n').sort(), ['bridge', 'host', 'none', 'v6only']);
  });
});
