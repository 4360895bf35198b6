/**
 * The network modes of the seed document with the real docker CLI: bridge, host, none,
 * container:NAME, and connect/disconnect on a running container.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../src/exec/index.js';
import { withHost, type TestHost } from '../helpers/host.js';
import { standInImages } from '../helpers/images.js';
import { httpGet } from '../helpers/outside.js';

interface IpAddr {
  ifname: string;
  address: string;
  addr_info: Array<{ family: string; local: string; prefixlen: number }>;
}

async function addrsIn(netnsPath: string): Promise<IpAddr[]> {
  return JSON.parse((await run(['nsenter', `--net=${netnsPath}`, 'ip', '-json', 'addr'])).stdout) as IpAddr[];
}

async function pidOf(host: TestHost, name: string): Promise<number> {
  return Number(await host.dockerOk(['inspect', '-f', '{{.State.Pid}}', name]));
}

async function netnsOf(pid: number): Promise<string> {
  return (await run(['readlink', `/proc/${pid}/ns/net`])).stdout.trim();
}

test('bridge mode: eth0 with the IPAM address, Docker MAC, default route via the gateway', async () => {
  await withHost(async (host) => {
    await host.dockerOk(['run', '-d', '--name', 'b1', 'busybox', 'sleep', '300']);
    const sandbox = await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.SandboxKey}}', 'b1']);
    const links = await addrsIn(sandbox);
    assert.deepEqual(links.map((link) => link.ifname).sort(), ['eth0', 'lo']);
    const eth0 = links.find((link) => link.ifname === 'eth0');
    assert.equal(eth0?.address, '02:42:ac:11:00:02');
    assert.deepEqual(eth0?.addr_info.filter((info) => info.family === 'inet').map((info) => `${info.local}/${info.prefixlen}`), ['172.17.0.2/16']);
    const routes = (await run(['nsenter', `--net=${sandbox}`, 'ip', 'route'])).stdout;
    assert.match(routes, /default via 172\.17\.0\.1 dev eth0/);
    assert.equal(await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.Networks.bridge.Gateway}}', 'b1']), '172.17.0.1');
    // The container is really inside that namespace.
    const sandboxInode = (await run(['nsenter', `--net=${sandbox}`, 'readlink', '/proc/self/ns/net'])).stdout.trim();
    assert.equal(await netnsOf(await pidOf(host, 'b1')), sandboxInode);
    // The veth's host side is on conet0.
    assert.match(await host.ip(['-br', 'link', 'show', 'master', 'conet0']), /^veth[0-9a-f]{7}@/m);
  });
});

test('host mode shares the host namespace; none has only lo', async () => {
  await withHost(async (host) => {
    await standInImages(host);
    const created = await host.docker(['run', '-d', '--network', 'host', '--name', 'nginx001', '-p', '8080:80', 'nginx']);
    assert.equal(created.code, 0);
    assert.match(created.stderr, /Published ports are discarded when using host network mode/);
    let listening = '';
    for (let attempt = 0; attempt < 50 && !/:80\s/.test(listening); attempt += 1) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      listening = (await run(['nsenter', `--net=${host.netnsPath}`, 'ss', '-lnt'])).stdout;
    }
    assert.match(listening, /:80\s/);
    assert.match((await httpGet(host.netnsPath, 'http://127.0.0.1:80/')).stdout, /Welcome to nginx/);
    assert.equal(await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.Networks.host.IPAddress}}', 'nginx001']), '');
    assert.match(await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.Networks.host.EndpointID}}', 'nginx001']), /^[0-9a-f]{64}$/);
    assert.equal(await netnsOf(await pidOf(host, 'nginx001')), (await run(['nsenter', `--net=${host.netnsPath}`, 'readlink', '/proc/self/ns/net'])).stdout.trim());
    // `network inspect host` lists the running host-mode container, with the EndpointID inspect shows.
    const members = JSON.parse(await host.dockerOk(['network', 'inspect', '-f', '{{json .Containers}}', 'host'])) as Record<string, { Name: string; EndpointID: string; IPv4Address: string }>;
    const id = await host.dockerOk(['inspect', '-f', '{{.Id}}', 'nginx001']);
    assert.deepEqual(Object.keys(members), [id]);
    assert.equal(members[id]?.Name, 'nginx001');
    assert.equal(members[id]?.IPv4Address, '');
    assert.equal(members[id]?.EndpointID, await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.Networks.host.EndpointID}}', 'nginx001']));
    await host.dockerOk(['stop', '-t', '1', 'nginx001']);
    assert.equal(await host.dockerOk(['network', 'inspect', '-f', '{{json .Containers}}', 'host']), '{}');

    await host.dockerOk(['run', '-d', '--net', 'none', '--name', 'vm5', 'busybox', 'sleep', '300']);
    const pid = await pidOf(host, 'vm5');
    const links = JSON.parse((await run(['nsenter', '-t', String(pid), '-n', 'ip', '-json', 'link'])).stdout) as Array<{ ifname: string; flags: string[] }>;
    assert.deepEqual(links.map((link) => link.ifname), ['lo']);
    assert.ok(links[0]?.flags.includes('UP'));
    assert.deepEqual(JSON.parse(await host.dockerOk(['inspect', '-f', '{{json .NetworkSettings.Networks}}', 'vm5'])).none.IPAddress, '');
  });
});

test('container mode: one namespace for two containers, talking over lo; refused when the target stops', async () => {
  await withHost(async (host) => {
    await standInImages(host);
    await host.dockerOk(['run', '-d', '--name', 'busybox1', 'nginx']);
    await host.dockerOk(['run', '-d', '--name', 'cmode1', '--net=container:busybox1', 'busybox', 'sleep', '300']);
    const first = await pidOf(host, 'busybox1');
    const second = await pidOf(host, 'cmode1');
    assert.equal(await netnsOf(first), await netnsOf(second));
    const viaLo = await run(['nsenter', '-t', String(second), '-n', 'timeout', '5', '/usr/bin/busybox', 'wget', '-q', '-O', '-', 'http://127.0.0.1:80/'], { allowFailure: true });
    assert.match(viaLo.stdout, /Welcome to nginx/);
    assert.match(await host.dockerOk(['inspect', '-f', '{{.HostConfig.NetworkMode}}', 'cmode1']), /^container:[0-9a-f]{64}$|^container:busybox1$/);

    await host.dockerOk(['stop', '-t', '1', 'busybox1']);
    const refused = await host.docker(['run', '-d', '--net=container:busybox1', 'busybox', 'true']);
    assert.equal(refused.code, 125);
    const firstId = await host.dockerOk(['inspect', '-f', '{{.Id}}', 'busybox1']);
    assert.match(refused.stderr, new RegExp(`cannot join network of a non running container: ${firstId}`));
    const missing = await host.docker(['run', '-d', '--net=container:nosuchctr', 'busybox', 'true']);
    assert.match(missing.stderr, /No such container: nosuchctr/);
    const conflicting = await host.docker(['run', '-d', '--net=container:busybox1', '-p', '8081:80', 'busybox', 'true']);
    assert.match(conflicting.stderr, /conflicting options: port publishing and the container type network mode/);
    const hostname = await host.docker(['run', '-d', '--net=container:busybox1', '--hostname', 'foo', 'busybox', 'true']);
    assert.match(hostname.stderr, /conflicting options: hostname and the network mode/);
  });
});

test('connect adds eth1 with its address and route within the call; disconnect removes it', async () => {
  await withHost(async (host) => {
    await host.dockerOk(['network', 'create', '--subnet', '172.30.0.0/16', 'bridge_1']);
    await host.dockerOk(['network', 'create', 'my_bridge']);
    await host.dockerOk(['run', '-d', '--name', 'nginx004', '--network', 'my_bridge', 'busybox', 'sleep', '300']);
    const pid = String(await pidOf(host, 'nginx004'));
    await host.dockerOk(['network', 'connect', 'bridge_1', 'nginx004']);
    const links = JSON.parse((await run(['nsenter', '-t', pid, '-n', 'ip', '-json', 'addr'])).stdout) as IpAddr[];
    const eth1 = links.find((link) => link.ifname === 'eth1');
    assert.deepEqual(eth1?.addr_info.filter((info) => info.family === 'inet').map((info) => `${info.local}/${info.prefixlen}`), ['172.30.0.2/16']);
    assert.match((await run(['nsenter', '-t', pid, '-n', 'ip', 'route'])).stdout, /172\.30\.0\.0\/16 dev eth1/);
    const networks = JSON.parse(await host.dockerOk(['inspect', '-f', '{{json .NetworkSettings.Networks}}', 'nginx004'])) as Record<string, { IPAddress: string }>;
    assert.deepEqual(Object.keys(networks).sort(), ['bridge_1', 'my_bridge']);
    assert.equal(networks['bridge_1']?.IPAddress, '172.30.0.2');
    const members = JSON.parse(await host.dockerOk(['network', 'inspect', '-f', '{{json .Containers}}', 'bridge_1'])) as Record<string, { Name: string; IPv4Address: string }>;
    assert.deepEqual(Object.values(members).map((member) => [member.Name, member.IPv4Address]), [['nginx004', '172.30.0.2/16']]);
    // Docker's errors (S101, S098, S105, S106).
    assert.match((await host.docker(['network', 'connect', 'bridge_1', 'nginx004'])).stderr, /endpoint with name nginx004 already exists in network bridge_1/);
    assert.match((await host.docker(['network', 'connect', '--ip', '172.30.0.50', 'my_bridge', 'nginx004'])).stderr, /already exists|user configured subnets/);
    assert.match((await host.docker(['network', 'connect', 'host', 'nginx004'])).stderr, /connected to host network/);
    assert.match((await host.docker(['network', 'connect', 'nosuchnet', 'nginx004'])).stderr, /network nosuchnet not found/);
    assert.match((await host.docker(['network', 'rm', 'bridge_1'])).stderr, /has active endpoints/);

    await host.dockerOk(['network', 'disconnect', 'bridge_1', 'nginx004']);
    const after = JSON.parse((await run(['nsenter', '-t', pid, '-n', 'ip', '-json', 'link'])).stdout) as Array<{ ifname: string }>;
    assert.deepEqual(after.map((link) => link.ifname).sort(), ['eth0', 'lo']);
    assert.match((await host.docker(['network', 'disconnect', 'bridge_1', 'nginx004'])).stderr, /is not connected to network bridge_1/);
    assert.equal(await host.dockerOk(['network', 'rm', 'bridge_1']), 'bridge_1');
  });
});

test('a disconnected primary network stays disconnected across restarts until connected again (as Docker)', async () => {
  await withHost(async (host) => {
    const ifnames = async (name: string): Promise<string[]> => {
      const pid = String(await pidOf(host, name));
      return (JSON.parse((await run(['nsenter', '-t', pid, '-n', 'ip', '-json', 'link'])).stdout) as Array<{ ifname: string }>).map((link) => link.ifname).sort();
    };
    const networksOf = async (name: string): Promise<string[]> =>
      Object.keys(JSON.parse(await host.dockerOk(['inspect', '-f', '{{json .NetworkSettings.Networks}}', name])) as Record<string, unknown>).sort();

    await host.dockerOk(['network', 'create', 'side']);
    await host.dockerOk(['run', '-d', '--name', 'solo', 'busybox', 'sleep', '300']);
    await host.dockerOk(['network', 'disconnect', 'bridge', 'solo']);
    assert.deepEqual(await ifnames('solo'), ['lo']);
    await host.dockerOk(['restart', '-t', '1', 'solo']);
    assert.deepEqual(await ifnames('solo'), ['lo'], 'restart must not bring the default bridge back');
    assert.deepEqual(await networksOf('solo'), []);
    // Another network joins as eth0 when the primary one is off.
    await host.dockerOk(['network', 'connect', 'side', 'solo']);
    await host.dockerOk(['restart', '-t', '1', 'solo']);
    assert.deepEqual(await ifnames('solo'), ['eth0', 'lo']);
    assert.deepEqual(await networksOf('solo'), ['side']);
    // Connecting the primary network again undoes the disconnect, also across a restart.
    await host.dockerOk(['network', 'connect', 'bridge', 'solo']);
    await host.dockerOk(['restart', '-t', '1', 'solo']);
    assert.deepEqual(await ifnames('solo'), ['eth0', 'eth1', 'lo']);
    assert.deepEqual(await networksOf('solo'), ['bridge', 'side']);

    // A user-defined primary network, disconnected and then removed: the container still starts.
    await host.dockerOk(['network', 'create', 'gone']);
    await host.dockerOk(['run', '-d', '--name', 'orphan', '--network', 'gone', 'busybox', 'sleep', '300']);
    await host.dockerOk(['network', 'disconnect', 'gone', 'orphan']);
    await host.dockerOk(['network', 'rm', 'gone']);
    await host.dockerOk(['restart', '-t', '1', 'orphan']);
    assert.deepEqual(await ifnames('orphan'), ['lo']);
  });
});
