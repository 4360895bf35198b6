/**
 * The user's document, sections 一 (the network modes) and 二 (-P/-p), step by step as the real
 * Docker 20.10 recording did them (../shared/compat/docker-20.10-transcript.md, S001-S057), with
 * the real docker CLI against conetd in a throwaway host namespace. Each step asserts what it
 * demonstrates; ids, timings and random ports are not compared. Images are not imported: the
 * commands pull them from docker.io through the test's mirror (context.ts), as the document's
 * machine pulled them from Docker Hub.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HOST_ADDRESS, Seed, eventually, inet, interfaces } from './context.js';

test('seed §一/§二: bridge, host, none and container modes; -P and -p', { timeout: 600_000 }, async (t) => {
  const seed = await Seed.create();
  const step = (name: string, fn: () => Promise<void>) => t.test(name, fn);
  try {
    // The recording's Docker 20.10 served 1.41; conet serves the CLI 28.2's own 1.50 (issue 12, item 7).
    await step('S001 docker version: server API 1.50, no downgrade', async () => {
      const out = await seed.out(['version']);
      assert.match(out, /API version:\s+1\.50 \(minimum version 1\.24\)/);
      assert.doesNotMatch(out, /downgraded/);
    });
    await step('S002 docker info', async () => {
      assert.match(await seed.out(['info']), /Network: bridge host macvlan null/);
    });
    await step('S003 the three predefined networks', async () => {
      const names = (await seed.out(['network', 'ls', '--format', '{{.Name}} {{.Driver}} {{.Scope}}'])).split('\n').sort();
      assert.deepEqual(names, ['bridge bridge local', 'host host local', 'none null local']);
    });
    await step('S004-S007 run -d -P --net=bridge: pulled through the mirror; address and gateway on the default bridge', async () => {
      assert.match((await seed.docker(['image', 'inspect', 'nginx:1.9.1'], 1)).stderr, /No such image: nginx:1\.9\.1/, 'nothing imported before the run');
      const pulled = await seed.docker(['run', '-d', '-P', '--net=bridge', 'nginx:1.9.1']);
      assert.match(pulled.stderr, /Unable to find image 'nginx:1\.9\.1' locally/);
      assert.match(pulled.stderr, /Pull complete/);
      assert.match(pulled.stderr, /Status: Downloaded newer image for nginx:1\.9\.1/);
      assert.ok((await seed.manifestGets('library/nginx')).length > 0, `the mirror answered no manifest GET of library/nginx:\n${JSON.stringify(await seed.mirror.accessLog())}`);
      assert.match(await seed.out(['images', '--digests', '--format', '{{.Repository}}:{{.Tag}} {{.Digest}}']), /^nginx:1\.9\.1 sha256:[0-9a-f]{64}$/m);
      const id = pulled.stdout.trim();
      assert.match(id, /^[0-9a-f]{64}$/);
      seed.ids.set('nginx191', id);
      assert.match(await seed.out(['ps']), /nginx:1\.9\.1\s+"httpd -f -p 80 -h \/…"/);
      assert.equal(await seed.out(['inspect', '-f', '{{.NetworkSettings.Networks.bridge.IPAddress}}', id]), '172.17.0.2');
      assert.equal(await seed.out(['inspect', '-f', '{{.NetworkSettings.Networks.bridge.Gateway}}', id]), '172.17.0.1');
    });
    await step('S008-S012 the bridge and the veth in the host; eth0 in the container', async () => {
      const hostAddrs = await seed.inHost(['ip', 'a']);
      assert.match(hostAddrs, /conet0: .*UP/);
      assert.match(hostAddrs, /inet 172\.17\.0\.1\/16 .*conet0/);
      assert.match(await seed.inHost(['bridge', 'link', 'show']), /veth[0-9a-f]{7}@\S+: .* master conet0 state forwarding/);
      const eth0 = await seed.inContainer(seed.ids.get('nginx191') ?? '', ['ip', '-d', 'addr', 'show', 'eth0']);
      assert.match(eth0, /link\/ether 02:42:ac:11:00:02/);
      assert.match(eth0, /veth/);
      assert.deepEqual(inet(eth0), ['172.17.0.2/16']);
      assert.match(await seed.inHost(['ip', 'route']), /172\.17\.0\.0\/16 dev conet0 proto kernel scope link src 172\.17\.0\.1/);
    });
    await step('S013-S014 docker port lists 80 and 443; the container answers on its IP', async () => {
      const ports = await seed.out(['port', seed.ids.get('nginx191') ?? '']);
      assert.match(ports, /^443\/tcp -> 0\.0\.0\.0:\d+$/m);
      assert.match(ports, /^80\/tcp -> 0\.0\.0\.0:\d+$/m);
      assert.match((await seed.fetchFromHost('http://172.17.0.2:80/')).stdout, /Welcome to nginx/);
    });
    await step('S015-S019 host mode: httpd listens on the host, no bridge address', async () => {
      await seed.out(['run', '-itd', '--name', 'nginx001', '--network', 'host', 'nginx:latest']);
      assert.ok(await eventually(async () => /LISTEN .*:80\s/.test(await seed.inHost(['ss', '-lnt']))), 'httpd listens on the host\'s :80');
      assert.equal(await seed.out(['inspect', '-f', '{{.NetworkSettings.Networks.bridge.IPAddress}}', 'nginx001']), '<no value>');
      const networks = JSON.parse(await seed.out(['inspect', '-f', '{{json .NetworkSettings.Networks}}', 'nginx001'])) as Record<string, { IPAddress: string; EndpointID: string }>;
      assert.deepEqual(Object.keys(networks), ['host']);
      assert.equal(networks['host']?.IPAddress, '');
      assert.match((await seed.fetchFromHost('http://127.0.0.1:80/')).stdout, /Welcome to nginx/);
    });
    await step('S020-S021 a host-mode container sees the host interfaces', async () => {
      const id = await seed.out(['run', '-d', '--net=host', 'ubuntu:14.04', 'tail', '-f', '/dev/null']);
      assert.ok((await seed.manifestGets('library/ubuntu')).length > 0, 'ubuntu:14.04 was pulled through the mirror');
      const seen = await seed.out(['exec', id, 'ip', 'addr']);
      assert.deepEqual(interfaces(seen).sort(), interfaces(await seed.inHost(['ip', 'addr'])).sort());
      assert.ok(inet(seen).includes(`${HOST_ADDRESS}/30`));
    });
    await step('S022 publishing is ignored in host mode, with a warning', async () => {
      const result = await seed.docker(['run', '--rm', '--net=host', '-p', '8080:80', 'busybox', 'true']);
      assert.match(result.stderr, /Published ports are discarded when using host network mode/);
    });
    await step('S023-S024 none mode: only lo', async () => {
      const seen = (await seed.docker(['run', '--name', 'vm5', '--net', 'none', 'busybox', 'ip', 'addr'])).stdout;
      assert.deepEqual(interfaces(seen), ['lo']);
      assert.deepEqual(inet(seen), ['127.0.0.1/8']);
      const networks = JSON.parse(await seed.out(['inspect', '-f', '{{json .NetworkSettings.Networks}}', 'vm5'])) as Record<string, unknown>;
      assert.deepEqual(Object.keys(networks), ['none']);
    });
    await step('S025-S029 container mode: the same interfaces as busybox1', async () => {
      await seed.out(['run', '-d', '--name', 'busybox1', 'busybox', 'sleep', '3600']);
      const joined = (await seed.docker(['run', '--rm', '--net=container:busybox1', 'busybox', 'ip', 'addr'])).stdout;
      const own = await seed.out(['exec', 'busybox1', 'ip', 'addr']);
      assert.deepEqual(inet(joined), inet(own));
      assert.deepEqual(inet(own), ['127.0.0.1/8', '172.17.0.3/16']);
      await seed.out(['run', '-d', '--name', 'cmode1', '--net=container:busybox1', 'busybox', 'sleep', '3600']);
      const settings = await seed.out(['inspect', '-f', '{{.HostConfig.NetworkMode}} {{json .NetworkSettings.Networks}}', 'cmode1']);
      assert.match(settings, /^container:\S+ \{\}$/);
    });
    await step('S030-S034 container mode errors, with Docker\'s messages', async () => {
      await seed.docker(['run', '--name', 'busybox2', 'busybox', 'true']);
      const id = await seed.out(['inspect', '-f', '{{.Id}}', 'busybox2']);
      const stopped = await seed.docker(['run', '--rm', '--net=container:busybox2', 'busybox', 'ip', 'addr'], 125);
      assert.match(stopped.stderr, new RegExp(`Error response from daemon: cannot join network of a non running container: ${id}`));
      assert.match((await seed.docker(['run', '--rm', '--net=container:nosuchctr', 'busybox', 'ip', 'addr'], 125)).stderr, /No such container: nosuchctr/);
      assert.match((await seed.docker(['run', '--rm', '--net=container:busybox1', '-p', '8081:80', 'busybox', 'true'], 125)).stderr, /conflicting options: port publishing and the container type network mode/);
      assert.match((await seed.docker(['run', '--rm', '--net=container:busybox1', '--hostname', 'foo', 'busybox', 'true'], 125)).stderr, /conflicting options: hostname and the network mode/);
    });
    await step('S035-S040 -P and -p, docker ps and docker port', async () => {
      await seed.out(['run', '-itd', '-P', '--name', 'nginx002', 'nginx:latest']);
      assert.match(await seed.out(['port', 'nginx002']), /^80\/tcp -> 0\.0\.0\.0:\d+$/m);
      await seed.out(['run', '-itd', '-p', '8000:80', '--name', 'nginx003', 'nginx:latest']);
      assert.match(await seed.out(['ps']), /0\.0\.0\.0:8000->80\/tcp\s+nginx003/);
      assert.equal(await seed.out(['port', 'nginx003', '80/tcp']), '0.0.0.0:8000');
    });
    await step('S041-S046 the published port from the host, outside and other containers', async () => {
      assert.match((await seed.fetchFromHost('http://127.0.0.1:8000/')).stdout, /Welcome to nginx/);
      assert.match((await seed.fetchFromHost(`http://${HOST_ADDRESS}:8000/`)).stdout, /Welcome to nginx/);
      assert.match((await seed.outside.fetch(`http://${HOST_ADDRESS}:8000/`)).stdout, /Welcome to nginx/);
      assert.match((await seed.docker(['run', '--rm', 'busybox', 'wget', '-qO-', 'http://172.17.0.1:8000/'])).stdout, /Welcome to nginx/);
      assert.match((await seed.docker(['run', '--rm', 'busybox', 'wget', '-qO-', `http://${HOST_ADDRESS}:8000/`])).stdout, /Welcome to nginx/);
      const address = await seed.out(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'nginx003']);
      assert.match((await seed.docker(['run', '--rm', 'busybox', 'wget', '-qO-', `http://${address}:80/`])).stdout, /Welcome to nginx/);
    });
    await step('S047-S048 no proxy process listens for published ports', async () => {
      const listening = await seed.inHost(['ss', '-lntup']);
      assert.doesNotMatch(listening, /:8000\s/);
      assert.doesNotMatch(listening, /docker-proxy|conet/);
    });
    await step('S049 docker inspect nginx003: port bindings as Docker shows them', async () => {
      const [inspected] = JSON.parse(await seed.out(['inspect', 'nginx003'])) as Array<{ HostConfig: { PortBindings: unknown }; NetworkSettings: { Ports: Record<string, unknown> } }>;
      assert.deepEqual(inspected?.HostConfig.PortBindings, { '80/tcp': [{ HostIp: '', HostPort: '8000' }] });
      assert.deepEqual(inspected?.NetworkSettings.Ports['80/tcp'], [{ HostIp: '0.0.0.0', HostPort: '8000' }]);
      assert.equal(inspected?.NetworkSettings.Ports['443/tcp'], null);
    });
    await step('S050-S051 a taken host port fails the start; the container stays Created', async () => {
      const failed = await seed.docker(['run', '-d', '-p', '8000:80', 'nginx:latest'], 125);
      assert.match(failed.stderr, /driver failed programming external connectivity on endpoint \S+ \([0-9a-f]{64}\): Bind for 0\.0\.0\.0:8000 failed: port is already allocated/);
      assert.match(await seed.out(['ps', '-a', '--filter', 'status=created']), /Created/);
    });
    await step('S052-S055 several -p forms, udp, --expose with -P', async () => {
      await seed.out(['run', '-d', '--name', 'nginx005', '-p', '127.0.0.1:8001:80', '-p', '8002:53/udp', '-p', '8443:443', '-p', '80', 'nginx:latest']);
      const ports = await seed.out(['port', 'nginx005']);
      assert.match(ports, /^53\/udp -> 0\.0\.0\.0:8002$/m);
      assert.match(ports, /^80\/tcp -> 127\.0\.0\.1:8001$/m);
      assert.match(ports, /^80\/tcp -> 0\.0\.0\.0:\d+$/m);
      assert.match(ports, /^443\/tcp -> 0\.0\.0\.0:8443$/m);
      assert.match((await seed.fetchFromHost('http://127.0.0.1:8001/')).stdout, /Welcome to nginx/);
      await seed.out(['run', '-d', '--name', 'nginx006', '--expose', '9000', '-P', 'nginx:latest']);
      const exposed = await seed.out(['port', 'nginx006']);
      for (const port of ['80', '443', '9000']) assert.match(exposed, new RegExp(`^${port}/tcp -> 0\\.0\\.0\\.0:\\d+$`, 'm'));
    });
    await step('issue 11: docker run -d -P training/webapp python app.py pulls through the mirror and serves on 5000', async () => {
      const before = (await seed.manifestGets('training/webapp')).length;
      const id = await seed.out(['run', '-d', '-P', 'training/webapp', 'python', 'app.py']);
      assert.ok((await seed.manifestGets('training/webapp')).length > before, 'the mirror answered a manifest GET of training/webapp');
      const published = await seed.out(['port', id, '5000/tcp']);
      const port = /^0\.0\.0\.0:(\d+)$/m.exec(published)?.[1];
      assert.ok(port, `5000/tcp published: ${published}`);
      assert.ok(await eventually(async () => (await seed.fetchFromHost(`http://127.0.0.1:${port}/`)).stdout === 'Hello world!'), 'the webapp answers Hello world!');
    });
    await step('S056-S057 the kernel rules: one table of ours, ports as map elements', async () => {
      const table = await seed.inHost(['nft', 'list', 'table', 'inet', 'conet']);
      assert.match(table, /map ports4-any/);
      assert.match(table, /tcp \. 8000 : 172\.17\.0\.\d+ \. 80/);
      assert.match(table, /ip saddr 127\.0\.0\.0\/8 masquerade/);
    });
  } finally {
    await seed.dispose();
  }
});
