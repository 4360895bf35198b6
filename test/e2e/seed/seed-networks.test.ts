/**
 * The user's document, sections 三 (user-defined networks) and 四 (docker network commands), as
 * recorded from real Docker 20.10 (S058-S073, S077-S078, S080-S086, S088-S141, S173-S180). The
 * isolation step S079, legacy links (S087), IPv6 (S137-S138), macvlan, internal and overlay
 * networks belong to the user-defined-networks and overlay issues and are not part of this test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Seed, inet, interfaces } from './context.js';

test('seed §三/§四: user-defined bridges, /etc files, connect/disconnect, IPAM, prune', { timeout: 600_000 }, async (t) => {
  const seed = await Seed.create();
  const step = (name: string, fn: () => Promise<void>) => t.test(name, fn);
  try {
    await step('S058-S061 network create my_bridge: 172.18.0.0/16 and its br- device', async () => {
      const id = await seed.out(['network', 'create', '--driver', 'bridge', 'my_bridge']);
      seed.ids.set('my_bridge', id);
      assert.match(await seed.out(['network', 'ls']), /my_bridge\s+bridge\s+local/);
      const [network] = JSON.parse(await seed.out(['network', 'inspect', 'my_bridge'])) as Array<{ IPAM: { Config: unknown } }>;
      assert.deepEqual(network?.IPAM.Config, [{ Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }]);
      assert.match(await seed.inHost(['ip', 'a']), new RegExp(`br-${id.slice(0, 12)}: .*\\n(.*\\n)*.*inet 172\\.18\\.0\\.1/16`));
    });
    await step('S062-S065 masquerade for the new subnet in our table', async () => {
      const table = await seed.inHost(['nft', 'list', 'table', 'inet', 'conet']);
      assert.match(table, /oifname != "br-[0-9a-f]{12}" ip saddr 172\.18\.0\.0\/16 masquerade/);
    });
    await step('S066-S069 a container on my_bridge; the network lists it', async () => {
      await seed.out(['run', '-itd', '--name=nginx004', '--network', 'my_bridge', 'nginx']);
      assert.equal(await seed.out(['inspect', '-f', '{{.NetworkSettings.Networks.my_bridge.IPAddress}}', 'nginx004']), '172.18.0.2');
      assert.equal(await seed.out(['inspect', '-f', '{{.NetworkSettings.Networks.my_bridge.Gateway}}', 'nginx004']), '172.18.0.1');
      const [network] = JSON.parse(await seed.out(['network', 'inspect', 'my_bridge'])) as Array<{ Containers: Record<string, { Name: string; IPv4Address: string; MacAddress: string }> }>;
      const members = Object.values(network?.Containers ?? {}).map((entry) => [entry.Name, entry.IPv4Address, entry.MacAddress]);
      assert.deepEqual(members, [['nginx004', '172.18.0.2/16', '02:42:ac:12:00:02']]);
    });
    await step('S070 the default bridge lists its containers', async () => {
      await seed.out(['run', '-d', '--name', 'onbridge', 'nginx']);
      const [network] = JSON.parse(await seed.out(['network', 'inspect', 'bridge'])) as Array<{ Containers: Record<string, { Name: string }> }>;
      assert.deepEqual(Object.values(network?.Containers ?? {}).map((entry) => entry.Name), ['onbridge']);
    });
    await step('S071-S073, S077-S078, S082, S088-S089 embedded DNS on my_bridge, none on the default bridge', async () => {
      assert.match(await seed.out(['run', '--rm', '--network', 'my_bridge', 'busybox', 'ping', '-c1', '-W2', 'nginx004']), /PING nginx004 \(172\.18\.0\.2\)[^]*1 packets received/);
      assert.match(await seed.out(['run', '--rm', '--network', 'my_bridge', 'busybox', 'timeout', '5', 'wget', '-qO-', 'http://nginx004/']), /Welcome to nginx!/);
      assert.match(await seed.out(['run', '--rm', '--network', 'my_bridge', 'busybox', 'nslookup', 'nginx004', '127.0.0.11']), /Server:\s+127\.0\.0\.11\n[^]*Name:\s+nginx004\nAddress: 172\.18\.0\.2/);
      assert.match((await seed.docker(['run', '--rm', 'busybox', 'ping', '-c1', '-W2', 'nginx004'], 1)).stderr, /bad address 'nginx004'/);
      assert.notEqual((await seed.host.docker(['run', '--rm', 'busybox', 'timeout', '5', 'wget', '-qO-', 'http://nginx004/'])).code, 0);
      assert.equal(await seed.out(['run', '--rm', '--network', 'my_bridge', 'busybox', 'cat', '/etc/resolv.conf']), 'nameserver 127.0.0.11\noptions ndots:0');
      await seed.out(['run', '-d', '--name', 'aliased', '--network', 'my_bridge', '--network-alias', 'web', 'busybox', 'sleep', '3600']);
      const aliased = await seed.out(['inspect', '-f', '{{.NetworkSettings.Networks.my_bridge.IPAddress}}', 'aliased']);
      assert.match(await seed.out(['run', '--rm', '--network', 'my_bridge', 'busybox', 'nslookup', 'web', '127.0.0.11']), new RegExp(`Name:\\s+web\\nAddress: ${aliased.replaceAll('.', '\\.')}`));
      // Later steps expect 172.18.0.3 free again.
      await seed.docker(['rm', '-f', 'aliased']);
    });
    await step('S080-S081, S083-S086 /etc/resolv.conf and /etc/hosts as Docker writes them', async () => {
      const resolv = (await seed.docker(['run', '--rm', 'busybox', 'cat', '/etc/resolv.conf'])).stdout;
      assert.match(resolv, /^nameserver /m);
      assert.doesNotMatch(resolv, /nameserver 127\./);
      const hosts = (await seed.docker(['run', '--rm', 'busybox', 'cat', '/etc/hosts'])).stdout;
      assert.match(hosts, /^127\.0\.0\.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n172\.17\.0\.\d+\t[0-9a-f]{12}\n$/);
      assert.match((await seed.docker(['run', '--rm', '--network', 'my_bridge', 'busybox', 'cat', '/etc/hosts'])).stdout, /^172\.18\.0\.\d+\t[0-9a-f]{12}$/m);
      const none = (await seed.docker(['run', '--rm', '--network', 'none', 'busybox', 'cat', '/etc/hosts'])).stdout;
      assert.doesNotMatch(none, /172\./);
      const custom = (await seed.docker(['run', '--rm', '--add-host', 'db:10.1.2.3', '--hostname', 'myhost', '--dns', '10.200.0.2', '--dns-search', 'example.test', 'busybox', 'sh', '-c', 'hostname; cat /etc/hosts /etc/resolv.conf'])).stdout;
      assert.match(custom, /^myhost\n/);
      assert.match(custom, /^10\.1\.2\.3\tdb$/m);
      assert.match(custom, /^172\.17\.0\.\d+\tmyhost$/m);
      assert.match(custom, /^search example\.test\nnameserver 10\.200\.0\.2\n$/m);
    });
    await step('S090-S095 connect adds eth1, disconnect removes it', async () => {
      await seed.out(['network', 'create', '--driver', 'bridge', 'bridge_1']);
      await seed.docker(['network', 'connect', 'bridge_1', 'nginx004']);
      const connected = await seed.out(['exec', 'nginx004', 'ip', 'addr']);
      assert.deepEqual(interfaces(connected), ['lo', 'eth0', 'eth1']);
      assert.deepEqual(inet(connected), ['127.0.0.1/8', '172.18.0.2/16', '172.19.0.2/16']);
      const networks = JSON.parse(await seed.out(['inspect', '-f', '{{json .NetworkSettings.Networks}}', 'nginx004'])) as Record<string, { IPAddress: string; MacAddress: string }>;
      assert.deepEqual(Object.keys(networks).sort(), ['bridge_1', 'my_bridge']);
      assert.equal(networks['bridge_1']?.MacAddress, '02:42:ac:13:00:02');
      await seed.docker(['network', 'disconnect', 'bridge_1', 'nginx004']);
      assert.deepEqual(interfaces(await seed.out(['exec', 'nginx004', 'ip', 'addr'])), ['lo', 'eth0']);
    });
    await step('S096-S106 usage errors and Docker\'s messages', async () => {
      assert.match((await seed.docker(['network', 'connect', 'bridge_1'], 1)).stderr, /requires (exactly )?2 arguments/);
      assert.match((await seed.docker(['network', 'connect', '--ip', '172.30.0.50', 'bridge_1', 'nginx004'], 1)).stderr, /user specified IP address is supported only when connecting to networks with user configured subnets/);
      await seed.docker(['network', 'connect', '--alias', 'n4', 'bridge_1', 'nginx004']);
      // Docker 20.10 (API 1.41) listed the short id among the aliases; from API 1.45 (the CLI 28's
      // 1.50) Aliases are only those asked for and the short id is in DNSNames.
      const aliases = JSON.parse(await seed.out(['inspect', '-f', '{{json .NetworkSettings.Networks.bridge_1.Aliases}}', 'nginx004'])) as string[];
      assert.deepEqual(aliases, ['n4']);
      const dnsNames = JSON.parse(await seed.out(['inspect', '-f', '{{json .NetworkSettings.Networks.bridge_1.DNSNames}}', 'nginx004'])) as string[];
      assert.equal(dnsNames[0], 'nginx004');
      assert.equal(dnsNames[1], 'n4');
      assert.match(dnsNames[2] ?? '', /^[0-9a-f]{12}$/);
      assert.match((await seed.docker(['network', 'connect', 'bridge_1', 'nginx004'], 1)).stderr, /endpoint with name nginx004 already exists in network bridge_1/);
      await seed.docker(['network', 'disconnect', 'bridge_1', 'nginx004']);
      assert.match((await seed.docker(['network', 'disconnect', 'bridge_1', 'nginx004'], 1)).stderr, /container [0-9a-f]{64} is not connected to network bridge_1/);
      assert.match((await seed.docker(['network', 'connect', 'bridge_1', 'nosuchctr'], 1)).stderr, /No such container: nosuchctr/);
      assert.match((await seed.docker(['network', 'connect', 'host', 'nginx004'], 1)).stderr, /container cannot be disconnected from host network or connected to host network/);
      assert.match((await seed.docker(['network', 'connect', 'nosuchnet', 'nginx004'], 1)).stderr, /network nosuchnet not found/);
    });
    await step('S107-S111 connecting a created container: both networks once started', async () => {
      await seed.out(['create', '--name', 'pre1', '--network', 'my_bridge', 'busybox', 'sleep', '3600']);
      await seed.docker(['network', 'connect', 'bridge_1', 'pre1']);
      await seed.docker(['start', 'pre1']);
      const seen = await seed.out(['exec', 'pre1', 'ip', 'addr']);
      assert.deepEqual(inet(seen).sort(), ['127.0.0.1/8', '172.18.0.3/16', '172.19.0.2/16']);
      await seed.docker(['rm', '-f', 'pre1']);
    });
    await step('S112-S119 network rm and its errors; inspect host/none', async () => {
      assert.equal(await seed.out(['network', 'rm', 'bridge_1']), 'bridge_1');
      const id = seed.ids.get('my_bridge') ?? '';
      assert.match((await seed.docker(['network', 'rm', 'my_bridge'], 1)).stderr, new RegExp(`error while removing network: network my_bridge id ${id} has active endpoints`));
      assert.match((await seed.docker(['network', 'rm', 'bridge'], 1)).stderr, /bridge is a pre-defined network and cannot be removed/);
      assert.match((await seed.docker(['network', 'rm', 'nosuchnet'], 1)).stderr, /network nosuchnet not found/);
      assert.match((await seed.docker(['network', 'create', 'my_bridge'], 1)).stderr, /network with name my_bridge already exists/);
      assert.match((await seed.docker(['network', 'create', '-d', 'host', 'host2'], 1)).stderr, /only one instance of "host" network is allowed/);
      const [hostNetwork] = JSON.parse(await seed.out(['inspect', 'host'])) as Array<{ Name: string; Driver: string }>;
      assert.deepEqual([hostNetwork?.Name, hostNetwork?.Driver], ['host', 'host']);
      const [none] = JSON.parse(await seed.out(['network', 'inspect', 'none'])) as Array<{ Driver: string }>;
      assert.equal(none?.Driver, 'null');
    });
    await step('S120-S129 IPAM: subnet, gateway, ip-range and static addresses', async () => {
      await seed.out(['network', 'create', '--subnet', '10.99.0.0/24', '--gateway', '10.99.0.254', '--ip-range', '10.99.0.128/25', 'custom1']);
      const [custom1] = JSON.parse(await seed.out(['network', 'inspect', 'custom1'])) as Array<{ IPAM: { Config: unknown } }>;
      assert.deepEqual(custom1?.IPAM.Config, [{ Subnet: '10.99.0.0/24', IPRange: '10.99.0.128/25', Gateway: '10.99.0.254' }]);
      assert.deepEqual(inet((await seed.docker(['run', '--rm', '--network', 'custom1', 'busybox', 'ip', '-4', 'addr', 'show', 'eth0'])).stdout), ['10.99.0.128/24']);
      await seed.out(['run', '-d', '--name', 'static1', '--network', 'custom1', '--ip', '10.99.0.10', 'busybox', 'sleep', '3600']);
      const static1 = JSON.parse(await seed.out(['inspect', '-f', '{{json .NetworkSettings.Networks.custom1}}', 'static1'])) as { IPAMConfig: unknown; IPAddress: string; MacAddress: string; Gateway: string };
      assert.deepEqual(static1.IPAMConfig, { IPv4Address: '10.99.0.10' });
      assert.equal(static1.IPAddress, '10.99.0.10');
      assert.equal(static1.MacAddress, '02:42:0a:63:00:0a');
      assert.equal(static1.Gateway, '10.99.0.254');
      assert.match((await seed.docker(['run', '--rm', '--network', 'custom1', '--ip', '10.99.0.10', 'busybox', 'true'], 125)).stderr, /Address already in use/);
      assert.match((await seed.docker(['run', '--rm', '--ip', '172.17.0.99', 'busybox', 'true'], 125)).stderr, /user specified IP address is supported on user defined networks only/);
      await seed.docker(['network', 'connect', '--ip', '10.99.0.50', 'custom1', 'nginx004']);
      assert.equal(await seed.out(['inspect', '-f', '{{.NetworkSettings.Networks.custom1.IPAddress}}', 'nginx004']), '10.99.0.50');
      await seed.docker(['network', 'disconnect', 'custom1', 'nginx004']);
    });
    await step('S130-S136 overlap, exhaustion, named bridge with MTU and labels', async () => {
      assert.match((await seed.docker(['network', 'create', '--subnet', '10.99.0.0/16', 'custom2'], 1)).stderr, /Pool overlaps with other one on this address space/);
      await seed.out(['network', 'create', '--subnet', '10.97.0.0/30', 'tiny']);
      await seed.out(['run', '-d', '--name', 'tiny1', '--network', 'tiny', 'busybox', 'sleep', '3600']);
      const tinyId = await seed.out(['network', 'inspect', '-f', '{{.Id}}', 'tiny']);
      assert.match((await seed.docker(['run', '-d', '--name', 'tiny2', '--network', 'tiny', 'busybox', 'sleep', '3600'], 125)).stderr, new RegExp(`no available IPv4 addresses on this network's address pools: tiny \\(${tinyId}\\)`));
      await seed.out(['network', 'create', '-o', 'com.docker.network.bridge.name=br-named', '-o', 'com.docker.network.driver.mtu=1400', '--label', 'team=net', 'named_br']);
      const [named] = JSON.parse(await seed.out(['network', 'inspect', 'named_br'])) as Array<{ Options: Record<string, string>; Labels: Record<string, string> }>;
      assert.deepEqual(named?.Options, { 'com.docker.network.bridge.name': 'br-named', 'com.docker.network.driver.mtu': '1400' });
      assert.deepEqual(named?.Labels, { team: 'net' });
      assert.match(await seed.inHost(['ip', 'link', 'show', 'br-named']), /mtu 1400/);
    });
    await step('S139-S141 network ls variants', async () => {
      assert.match(await seed.out(['network', 'ls', '--no-trunc']), /^[0-9a-f]{64}\s+custom1\s+bridge\s+local$/m);
      const bridges = (await seed.out(['network', 'ls', '--filter', 'driver=bridge', '--format', '{{.Name}} {{.Driver}} {{.Scope}}'])).split('\n').sort();
      assert.deepEqual(bridges, ['bridge bridge local', 'custom1 bridge local', 'my_bridge bridge local', 'named_br bridge local', 'tiny bridge local']);
      assert.equal(await seed.out(['network', 'ls', '-q', '--filter', 'name=custom']), (await seed.out(['network', 'inspect', '-f', '{{.Id}}', 'custom1'])).slice(0, 12));
    });
    await step('S173-S180 prune, remove everything, prune again: only the predefined remain', async () => {
      const pruned = await seed.out(['network', 'prune', '-f']);
      assert.match(pruned, /named_br/);
      assert.doesNotMatch(pruned, /my_bridge|custom1|tiny\b/);
      const ids = (await seed.out(['ps', '-aq'])).split('\n').filter(Boolean);
      await seed.docker(['rm', '-f', ...ids]);
      const second = await seed.out(['network', 'prune', '-f']);
      for (const name of ['my_bridge', 'custom1', 'tiny']) assert.match(second, new RegExp(name));
      assert.deepEqual((await seed.out(['network', 'ls', '--format', '{{.Name}}'])).split('\n').sort(), ['bridge', 'host', 'none']);
      const links = (await seed.inHost(['ip', '-br', 'link'])).split('\n').filter(Boolean).map((line) => line.split(/\s+/)[0]?.replace(/@.*/, ''));
      assert.deepEqual(links.sort(), ['conet0', 'ext0', 'lo']);
      assert.doesNotMatch(await seed.inHost(['nft', 'list', 'table', 'inet', 'conet']), /br-|172\.18\./);
    });
  } finally {
    await seed.dispose();
  }
});
