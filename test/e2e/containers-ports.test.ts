/**
 * Published ports in the kernel (nftables maps, no proxy), with real HTTP: from an outside
 * namespace, from the host via 127.0.0.1 and its own address, and from containers via the host's
 * address (hairpin); conflicts fail the start and leave nothing behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withHost, type TestHost } from '../helpers/host.js';
import { standInImages } from '../helpers/images.js';
import { HOST_ADDRESS, Outside, httpGet } from '../helpers/outside.js';

async function hostPortOf(host: TestHost, container: string, port: string): Promise<string> {
  const line = await host.dockerOk(['port', container, port]);
  const match = /0\.0\.0\.0:(\d+)/.exec(line);
  assert.ok(match, `docker port ${container} ${port}: ${line}`);
  return match[1] ?? '';
}

async function portElements(host: TestHost): Promise<number> {
  const listing = (await host.nft(['-j', 'list', 'table', 'inet', 'conet'])).stdout;
  const json = JSON.parse(listing) as { nftables: Array<{ map?: { name: string; elem?: unknown[] } }> };
  return json.nftables.filter((item) => item.map?.name.startsWith('ports')).reduce((sum, item) => sum + (item.map?.elem?.length ?? 0), 0);
}

test('-P publishes every EXPOSEd port, reachable from outside, the host and other containers', async () => {
  await withHost(async (host) => {
    await standInImages(host);
    const outside = await Outside.create(host);
    try {
      const id = await host.dockerOk(['run', '-d', '-P', '--net=bridge', 'nginx:1.9.1']);
      const listed = await host.dockerOk(['port', id]);
      assert.match(listed, /^80\/tcp -> 0\.0\.0\.0:\d+$/m);
      assert.match(listed, /^443\/tcp -> 0\.0\.0\.0:\d+$/m);
      const port = await hostPortOf(host, id, '80');
      assert.ok(Number(port) >= 32768, `ephemeral port ${port}`);
      assert.match(await host.dockerOk(['ps', '--format', '{{.Ports}}']), new RegExp(`0\\.0\\.0\\.0:${port}->80/tcp`));

      const address = await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.Networks.bridge.IPAddress}}', id]);
      assert.match((await httpGet(host.netnsPath, `http://${address}/`)).stdout, /Welcome to nginx/, 'container IP from the host');
      assert.match((await httpGet(host.netnsPath, `http://127.0.0.1:${port}/`)).stdout, /Welcome to nginx/, 'host via 127.0.0.1');
      assert.match((await httpGet(host.netnsPath, `http://${HOST_ADDRESS}:${port}/`)).stdout, /Welcome to nginx/, 'host via its own address');
      assert.match((await outside.fetch(`http://${HOST_ADDRESS}:${port}/`)).stdout, /Welcome to nginx/, 'from outside');

      const other = await host.dockerOk(['run', '-d', 'busybox', 'sleep', '300']);
      const otherNetns = await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.SandboxKey}}', other]);
      assert.match((await httpGet(otherNetns, `http://${HOST_ADDRESS}:${port}/`)).stdout, /Welcome to nginx/, 'another container via the host address');
      const ownNetns = await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.SandboxKey}}', id]);
      assert.match((await httpGet(ownNetns, `http://${HOST_ADDRESS}:${port}/`)).stdout, /Welcome to nginx/, 'its own published port (hairpin)');
      // Unpublished: nothing answers from outside on a port we did not publish.
      assert.notEqual((await outside.fetch(`http://${HOST_ADDRESS}:1/`)).code, 0);

      await host.dockerOk(['rm', '-f', id, other]);
      assert.equal(await portElements(host), 0, 'no map element left');
      assert.notEqual((await outside.fetch(`http://${HOST_ADDRESS}:${port}/`)).code, 0, 'gone once removed');
    } finally {
      await outside.dispose();
    }
  });
});

test('-p conflicts fail the start with Docker\'s message and leave nothing behind', async () => {
  await withHost(async (host) => {
    await standInImages(host);
    const first = await host.dockerOk(['run', '-d', '-p', '8000:80', '--name', 'nginx003', 'nginx:latest']);
    const before = await portElements(host);
    const links = await host.ip(['-br', 'link']);
    const second = await host.docker(['run', '-d', '-p', '8000:80', 'nginx:latest']);
    assert.equal(second.code, 125);
    assert.match(second.stderr, /driver failed programming external connectivity on endpoint \S+ \([0-9a-f]{64}\): Bind for 0\.0\.0\.0:8000 failed: port is already allocated/);
    assert.equal(await portElements(host), before);
    assert.equal(await host.ip(['-br', 'link']), links, 'no veth left by the failed start');
    // As Docker (S051): the failed container stays, in Created state.
    assert.match(await host.dockerOk(['ps', '-a', '--filter', 'status=created', '--format', '{{.Status}}']), /^Created$/);
    // A specific host address, and a bad one.
    const local = await host.dockerOk(['run', '-d', '-p', '127.0.0.1:8001:80', 'nginx:latest']);
    assert.match((await httpGet(host.netnsPath, 'http://127.0.0.1:8001/')).stdout, /Welcome to nginx/);
    const foreign = await host.docker(['run', '-d', '-p', '192.0.2.99:8002:80', 'nginx:latest']);
    assert.notEqual(foreign.code, 0);
    assert.match(foreign.stderr, /cannot assign requested address|192\.0\.2\.99/);
    const badPort = await host.api('POST', '/v1.41/containers/create', JSON.stringify({ Image: 'nginx', HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '70000' }] } } }));
    assert.equal(badPort.status, 400);
    assert.match(badPort.body, /port out of range|invalid port/);
    await host.dockerOk(['rm', '-f', first, local]);
  });
});
