/**
 * Multi-host overlay networks (issue 5) with the real docker CLI on three conetd hosts sharing one
 * etcd (test/helpers/cluster.ts): a network created on one host is the same network on every host;
 * containers on different hosts talk over VXLAN by address, by name and over TCP, and not across
 * networks; remote endpoints show in inspect; removal is refused while any host uses the network;
 * a crashed daemon or a stopped etcd leaves running traffic alone; a dead node's forwarding entries
 * go after its TTL and come back with it; the routed (host-gw) mode; 50 containers all-pairs.
 *
 * One cluster per describe block. Every host sees changes through etcd watches, so a change made on
 * one host is awaited on the others with a bounded poll (`eventually`), never assumed instantly.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../src/exec/index.js';
import { TestCluster, type TestClusterOptions } from '../helpers/cluster.js';
import { delay, type TestHost } from '../helpers/host.js';

interface EndpointView {
  Name: string;
  EndpointID: string;
  MacAddress: string;
  IPv4Address: string;
  IPv6Address: string;
}

interface NetworkView {
  Name: string;
  Id: string;
  Driver: string;
  Scope: string;
  IPAM: { Config: Array<{ Subnet?: string; Gateway?: string }> | null };
  Options: Record<string, string> | null;
  Containers: Record<string, EndpointView> | null;
}

/** A container placed on a host, as its own daemon reports it. */
interface Placed {
  name: string;
  host: TestHost;
  id: string;
  /** Without prefix length. */
  address: string;
  prefixLen: number;
  endpointId: string;
  mac: string;
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** Polls `check` until it holds; fails with `what` after `timeoutMs`. Returns the time it took. */
async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 15_000, intervalMs = 250): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check().catch(() => false)) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: still not true after ${timeoutMs} ms`);
    await delay(intervalMs);
  }
}

/** Runs fn over items with at most `size` at a time. */
async function inBatches<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await fn(items[index]!);
    }
  });
  await Promise.all(workers);
  return results;
}

async function inspectNetwork(host: TestHost, name: string): Promise<NetworkView> {
  const parsed = JSON.parse(await host.dockerOk(['network', 'inspect', name])) as NetworkView[];
  assert.equal(parsed.length, 1);
  return parsed[0]!;
}

/** Waits until `name` is visible on host (created elsewhere, it arrives through the store's watch). */
async function visibleOn(host: TestHost, name: string, timeoutMs = 10_000): Promise<NetworkView> {
  await eventually(`network ${name} visible on ${host.netns}`, async () => (await host.docker(['network', 'inspect', name])).code === 0, timeoutMs);
  return inspectNetwork(host, name);
}

function subnetOf(network: NetworkView): string {
  const subnet = network.IPAM.Config?.find((config) => config.Subnet?.includes('.'))?.Subnet;
  assert.ok(subnet, `an IPv4 subnet on ${network.Name}: ${JSON.stringify(network.IPAM)}`);
  return subnet;
}

const SLEEPER = ['busybox', 'sleep', '3600'];

async function describeContainer(host: TestHost, name: string, network: string): Promise<Placed> {
  const format = `{{.Id}} {{with index .NetworkSettings.Networks "${network}"}}{{.IPAddress}} {{.IPPrefixLen}} {{.EndpointID}} {{.MacAddress}}{{end}}`;
  const [id = '', address = '', prefixLen = '', endpointId = '', mac = ''] = (await host.dockerOk(['inspect', '-f', format, name])).split(' ');
  assert.match(address, /^\d+\.\d+\.\d+\.\d+$/, `${name} has an address on ${network}`);
  return { name, host, id, address, prefixLen: Number(prefixLen), endpointId, mac };
}

async function place(host: TestHost, name: string, network: string): Promise<Placed> {
  await host.dockerOk(['run', '-d', '--name', name, '--network', network, ...SLEEPER]);
  return describeContainer(host, name, network);
}

async function pings(from: Placed, target: string): Promise<boolean> {
  return (await from.host.docker(['exec', from.name, 'ping', '-c1', '-W2', target], { timeoutMs: 20_000 })).code === 0;
}

/** Ping from inside a container's namespace without its daemon (which may be dead): host busybox via nsenter. */
async function pingsFromSandbox(sandboxKey: string, target: string): Promise<boolean> {
  const result = await run(['nsenter', `--net=${sandboxKey}`, '/usr/bin/busybox', 'ping', '-c1', '-W2', target], { allowFailure: true, timeoutMs: 10_000 });
  return result.code === 0;
}

async function assertPings(from: Placed, target: string, what = `${from.name} -> ${target}`): Promise<void> {
  assert.ok(await pings(from, target), `${what} should succeed`);
}

async function assertNoPing(from: Placed, target: string, what = `${from.name} -> ${target}`): Promise<void> {
  assert.ok(!(await pings(from, target)), `${what} must fail`);
}

/** First contact after a container starts: the peers' entries arrive through the store's watch. */
async function eventuallyPings(from: Placed, target: string, timeoutMs = 15_000): Promise<void> {
  await eventually(`${from.name} (${from.host.netns}) pings ${target}`, () => pings(from, target), timeoutMs);
}

async function nslookup(from: Placed, name: string): Promise<{ code: number; output: string }> {
  const result = await from.host.docker(['exec', from.name, 'nslookup', name, '127.0.0.11'], { timeoutMs: 20_000 });
  return { code: result.code, output: result.stdout + result.stderr };
}

/** `bridge fdb show dev DEVICE` in a host's namespace (empty when the device doesn't exist). */
async function fdb(host: TestHost, device: string): Promise<string> {
  return (await run(['bridge', '-n', host.netns, 'fdb', 'show', 'dev', device], { allowFailure: true, timeoutMs: 10_000 })).stdout;
}

function hasDst(fdbText: string, vtep: string): boolean {
  return fdbText.split('\n').some((line) => new RegExp(`\\bdst ${vtep.replaceAll('.', '\\.')}\\b`).test(line));
}

function vxlanDevice(networkId: string): string {
  return `vx-${networkId.slice(0, 12)}`;
}

async function vxlanDevices(host: TestHost): Promise<string[]> {
  const links = await host.ipJson<Array<{ ifname: string }>>(['-d', 'link', 'show', 'type', 'vxlan']);
  return links.map((link) => link.ifname);
}

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
}

function cidrContains(cidr: string, address: string): boolean {
  const [base = '', bits = '32'] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = ipv4ToNumber(base);
  const value = ipv4ToNumber(address);
  return value >= start && value < start + size;
}

function cidrWithin(inner: string, outer: string): boolean {
  const [base = '', bits = '32'] = inner.split('/');
  const [, outerBits = '32'] = outer.split('/');
  return Number(bits) >= Number(outerBits) && cidrContains(outer, base);
}

interface RouteView {
  dst: string;
  gateway?: string;
  dev?: string;
}

async function routes(host: TestHost): Promise<RouteView[]> {
  return host.ipJson<RouteView[]>(['route', 'show']);
}

/**
 * A cluster for a describe block, made by the first test that runs (so a filtered run makes none
 * for skipped blocks) and disposed in after() whatever happened. `use(fn)` runs fn with it and, on
 * failure, appends every daemon's log tail to the error.
 */
function clusterFor(options: TestClusterOptions): { use: <T>(fn: (cluster: TestCluster) => Promise<T>) => Promise<T> } {
  let creating: Promise<TestCluster> | undefined;
  after(async () => {
    const cluster = await creating?.catch(() => undefined);
    await cluster?.dispose();
  }, { timeout: 180_000 });
  return {
    async use(fn) {
      creating ??= TestCluster.create(options);
      const cluster = await creating;
      return cluster.explain(() => fn(cluster));
    },
  };
}

// ---------------------------------------------------------------------------------------------

describe('overlay across three hosts: one network, cross-host traffic, inspect, rm, daemon crash, etcd outage', () => {
  // A long TTL: a killed daemon's node must not expire while the crash test runs (TTL has its own block).
  const shared = clusterFor({ hosts: 3, ttlSeconds: 60 });

  interface Basics {
    ovId: string;
    ov2Id: string;
    a: Placed;
    b: Placed;
    c: Placed;
  }
  let basics: Promise<Basics> | undefined;
  /**
   * ov with a1 on host 1 and b2 on host 2; ov2 (made on host 3) with c3 on host 3. Made once, shared
   * by the tests. (Docker refuses one-character container names, hence a1/b2/c3 for a/b/c.)
   */
  function setup(cluster: TestCluster): Promise<Basics> {
    basics ??= (async () => {
      const [h1, h2, h3] = cluster.hosts as [TestHost, TestHost, TestHost];
      const ovId = await h1.dockerOk(['network', 'create', '-d', 'overlay', 'ov']);
      await Promise.all([visibleOn(h2, 'ov'), visibleOn(h3, 'ov')]);
      const [a, b] = await Promise.all([place(h1, 'a1', 'ov'), place(h2, 'b2', 'ov')]);
      const ov2Id = await h3.dockerOk(['network', 'create', '-d', 'overlay', 'ov2']);
      await Promise.all([visibleOn(h1, 'ov2'), visibleOn(h2, 'ov2')]);
      const c = await place(h3, 'c3', 'ov2');
      return { ovId, ov2Id, a, b, c };
    })();
    return basics;
  }

  it('a: ov is one network on every host; a1 (host 1) and b2 (host 2) reach each other by address, name and TCP; c3 on ov2 (host 3) cannot', { timeout: 300_000 }, () => shared.use(async (cluster) => {
    const [h1, h2, h3] = cluster.hosts as [TestHost, TestHost, TestHost];
    const { ovId, ov2Id, a, b, c } = await setup(cluster);
    assert.match(ovId, /^[0-9a-f]{64}$/);

    const onHost1 = await inspectNetwork(h1, 'ov');
    assert.equal(onHost1.Id, ovId);
    assert.equal(onHost1.Driver, 'overlay');
    assert.equal(onHost1.Scope, 'global');
    const subnet = subnetOf(onHost1);
    for (const host of [h1, h2, h3]) {
      const seen = await inspectNetwork(host, 'ov');
      assert.equal(seen.Id, ovId, `Id on ${host.netns}`);
      assert.equal(seen.Name, 'ov');
      assert.equal(seen.Driver, 'overlay');
      assert.equal(seen.Scope, 'global');
      assert.equal(subnetOf(seen), subnet, `subnet on ${host.netns}`);
      const listed = (await host.dockerOk(['network', 'ls', '--no-trunc', '--format', '{{.ID}} {{.Name}} {{.Driver}} {{.Scope}}'])).split('\n');
      assert.ok(listed.includes(`${ovId} ov overlay global`), `network ls on ${host.netns}:\n${listed.join('\n')}`);
      assert.ok(listed.includes(`${ov2Id} ov2 overlay global`), `network ls on ${host.netns}:\n${listed.join('\n')}`);
    }
    assert.notEqual(subnetOf(await inspectNetwork(h1, 'ov2')), subnet, 'ov2 has a subnet of its own');

    // One subnet, two distinct addresses in it.
    assert.ok(cidrContains(subnet, a.address) && cidrContains(subnet, b.address), `${a.address} and ${b.address} in ${subnet}`);
    assert.notEqual(a.address, b.address);

    // By address, both ways, then by name through the embedded DNS (b runs on another host).
    await eventuallyPings(a, b.address);
    await assertPings(b, a.address);
    await assertPings(a, 'b2');
    await assertPings(b, 'a1');
    const lookedUp = await nslookup(a, 'b2');
    assert.equal(lookedUp.code, 0, lookedUp.output);
    assert.match(lookedUp.output, new RegExp(`Address: ${b.address.replaceAll('.', '\\.')}\\b`));

    // A TCP transfer from a to b (by name), checked by size and md5.
    await h2.dockerOk(['exec', '-d', 'b2', 'sh', '-c', 'sleep 3600 | nc -l -p 5000 > /tmp/received']);
    await eventually('b listens on :5000', async () => /:5000\s/.test(await h2.dockerOk(['exec', 'b2', 'netstat', '-lnt'])), 10_000);
    const sent = await h1.dockerOk(['exec', 'a1', 'sh', '-c', 'head -c 409600 /dev/urandom > /tmp/sent && md5sum /tmp/sent && wc -c < /tmp/sent']);
    const [sentMd5 = ''] = sent.split(/\s+/);
    assert.match(sent, /\n\s*409600$/);
    const sending = await h1.docker(['exec', 'a1', 'sh', '-c', 'nc b2 5000 < /tmp/sent'], { timeoutMs: 30_000 });
    assert.equal(sending.code, 0, sending.stderr);
    let received = '';
    await eventually('b received all 409600 bytes', async () => {
      received = await h2.dockerOk(['exec', 'b2', 'sh', '-c', 'md5sum /tmp/received && wc -c < /tmp/received']);
      return received.startsWith(`${sentMd5} `);
    }, 15_000).catch((error: Error) => {
      throw new Error(`${error.message}: sent ${sentMd5}, received ${received}`);
    });
    assert.match(received, /\n\s*409600$/);

    // Outbound traffic leaves through the container's own host (NAT): the LAN's gateway answers
    // although it has no route to the overlay subnet.
    await assertPings(a, cluster.lanGateway, 'a -> the LAN gateway (outbound via host 1, NAT)');

    // c, on another overlay network on host 3: neither a nor b by address, and no names (while
    // its own networking works: it reaches the LAN through host 3).
    assert.ok(!cidrContains(subnet, c.address), `c (${c.address}) is outside ov's ${subnet}`);
    await assertPings(c, cluster.lanGateway, 'c -> the LAN gateway (control)');
    await assertNoPing(c, a.address);
    await assertNoPing(c, b.address);
    await assertNoPing(b, c.address);
    for (const name of ['a1', 'b2']) {
      const answer = await nslookup(c, name);
      assert.notEqual(answer.code, 0, `${name} must not resolve from c:\n${answer.output}`);
    }
  }));

  it('b: inspect on every host lists local endpoints by container id and remote ones as ep-<EndpointID>; rm ov is refused while any host uses it', { timeout: 120_000 }, () => shared.use(async (cluster) => {
    const [h1, h2, h3] = cluster.hosts as [TestHost, TestHost, TestHost];
    const { ovId, a, b } = await setup(cluster);
    const view = (placed: Placed): EndpointView => ({
      Name: placed.name,
      EndpointID: placed.endpointId,
      MacAddress: placed.mac,
      IPv4Address: `${placed.address}/${placed.prefixLen}`,
      IPv6Address: '',
    });
    const expected = new Map<TestHost, Record<string, EndpointView>>([
      [h1, { [a.id]: view(a), [`ep-${b.endpointId}`]: view(b) }],
      [h2, { [`ep-${a.endpointId}`]: view(a), [b.id]: view(b) }],
      [h3, { [`ep-${a.endpointId}`]: view(a), [`ep-${b.endpointId}`]: view(b) }],
    ]);
    for (const [host, containers] of expected) {
      let last: NetworkView['Containers'] = null;
      await eventually(`inspect ov on ${host.netns} lists a and b`, async () => {
        last = (await inspectNetwork(host, 'ov')).Containers;
        return Object.keys(last ?? {}).length === 2;
      }, 10_000).catch((error: Error) => {
        throw new Error(`${error.message}: ${JSON.stringify(last)}`);
      });
      const seen = (await inspectNetwork(host, 'ov')).Containers ?? {};
      assert.deepEqual(Object.keys(seen).sort(), Object.keys(containers).sort(), `keys on ${host.netns}`);
      for (const [key, endpoint] of Object.entries(containers)) {
        const got = seen[key]!;
        assert.deepEqual(
          { Name: got.Name, EndpointID: got.EndpointID, MacAddress: got.MacAddress, IPv4Address: got.IPv4Address, IPv6Address: got.IPv6Address ?? '' },
          endpoint,
          `${key} on ${host.netns}`,
        );
      }
    }

    // Docker's refusal, on host 1 (a local endpoint too) and on host 3 (only remote ones).
    for (const host of [h1, h3]) {
      const removal = await host.docker(['network', 'rm', 'ov']);
      assert.notEqual(removal.code, 0, `network rm ov on ${host.netns} must fail`);
      assert.match(removal.stderr, new RegExp(`Error response from daemon: error while removing network: network ov id ${ovId} has active endpoints`));
    }
    for (const host of [h1, h2, h3]) assert.equal((await inspectNetwork(host, 'ov')).Id, ovId, `ov still exists on ${host.netns}`);
    await assertPings(a, b.address);
  }));

  it('c: kill -9 of host 2\'s daemon leaves a1<->b2 alone, new containers get other addresses, and the restarted daemon has its state', { timeout: 300_000 }, () => shared.use(async (cluster) => {
    const [h1, h2, h3] = cluster.hosts as [TestHost, TestHost, TestHost];
    const { ovId, a, b } = await setup(cluster);
    await eventuallyPings(a, b.address);
    const bSandbox = await h2.dockerOk(['inspect', '-f', '{{.NetworkSettings.SandboxKey}}', 'b2']);
    const bPid = await h2.dockerOk(['inspect', '-f', '{{.State.Pid}}', 'b2']);
    const bBefore = (await inspectNetwork(h2, 'ov')).Containers?.[b.id];
    assert.ok(bBefore, 'b is in inspect ov on host 2');

    await h2.kill();
    try {
      // Traffic between running containers needs no daemon: both directions (b's side from its namespace).
      await assertPings(a, b.address, 'a -> b with host 2\'s daemon dead');
      assert.ok(await pingsFromSandbox(bSandbox, a.address), 'b -> a with host 2\'s daemon dead');

      // New containers meanwhile, on host 1 and host 3: addresses nobody else holds.
      const [d1, d3] = await Promise.all([place(h1, 'd1', 'ov'), place(h3, 'd3', 'ov')]);
      const addresses = [a.address, b.address, d1.address, d3.address];
      assert.equal(new Set(addresses).size, 4, `no duplicate addresses: ${addresses.join(' ')}`);
      await eventuallyPings(d3, a.address);
      await assertPings(a, d3.address);
      await assertPings(d1, a.address);
      await assertPings(a, b.address, 'a -> b still');
      assert.ok(await pingsFromSandbox(bSandbox, a.address), 'b -> a still');
    } finally {
      if (h2.daemonPid === undefined) await h2.start();
    }

    // b kept running through the crash, same process and address; host 2's view is intact.
    assert.equal(await h2.dockerOk(['inspect', '-f', '{{.State.Running}} {{.State.Pid}}', 'b2']), `true ${bPid}`);
    const bAfter = await describeContainer(h2, 'b2', 'ov');
    assert.equal(bAfter.address, b.address);
    assert.equal(bAfter.endpointId, b.endpointId);
    const d1 = await describeContainer(h1, 'd1', 'ov');
    const d3 = await describeContainer(h3, 'd3', 'ov');
    let seen: NetworkView | undefined;
    await eventually('inspect ov on host 2 lists a, b, d1 and d3', async () => {
      seen = await inspectNetwork(h2, 'ov');
      return Object.keys(seen.Containers ?? {}).length === 4;
    }, 15_000).catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(seen?.Containers)}`);
    });
    assert.equal(seen!.Id, ovId);
    assert.deepEqual(seen!.Containers?.[b.id], bBefore);
    assert.deepEqual(Object.keys(seen!.Containers ?? {}).sort(), [b.id, `ep-${a.endpointId}`, `ep-${d1.endpointId}`, `ep-${d3.endpointId}`].sort());
    const all = Object.values(seen!.Containers ?? {}).map((endpoint) => endpoint.IPv4Address);
    assert.equal(new Set(all).size, all.length, `distinct addresses: ${all.join(' ')}`);

    await assertPings(a, b.address);
    await assertPings(b, a.address);
    await assertPings(b, 'a1');
    // The restarted daemon programmed what it missed: the containers that came while it was down.
    await eventuallyPings(b, d3.address);
    await assertPings(b, d1.address);
    await assertPings(d3, 'b2');
  }));

  it('d: with etcd stopped, a1<->b2 keeps talking and network create fails with 503; when etcd is back, create works again without a restart', { timeout: 180_000 }, () => shared.use(async (cluster) => {
    const [h1, h2] = cluster.hosts as [TestHost, TestHost, TestHost];
    const { a, b } = await setup(cluster);
    await eventuallyPings(a, b.address);
    const daemonPids = cluster.hosts.map((host) => host.daemonPid);

    await cluster.etcd.stop();
    try {
      await assertPings(a, b.address, 'a -> b with etcd stopped');
      await assertPings(b, a.address, 'b -> a with etcd stopped');
      await assertPings(a, 'b2', 'a -> b by name with etcd stopped');

      const started = Date.now();
      const cli = await h1.docker(['network', 'create', '-d', 'overlay', 'ov3'], { timeoutMs: 60_000 });
      const tookMs = Date.now() - started;
      assert.notEqual(cli.code, 0, 'network create must fail while etcd is down');
      assert.match(cli.stderr, /Error response from daemon: \S/);
      assert.ok(tookMs < 20_000, `the failure comes within seconds, not ${tookMs} ms`);

      const api = await h1.api('POST', '/networks/create', JSON.stringify({ Name: 'ov3api', Driver: 'overlay' }));
      assert.equal(api.status, 503, api.body);
      const body = JSON.parse(api.body) as { message?: unknown };
      assert.equal(typeof body.message, 'string');
      assert.notEqual(body.message, '');

      await assertPings(a, b.address, 'a -> b after the failed creates');
    } finally {
      if (cluster.etcd.pid === undefined) await cluster.etcd.resume();
    }

    // Back: the same daemons (no restart) catch up and can write again.
    let lastError = '';
    await eventually('network create -d overlay ov3 works again', async () => {
      const created = await h1.docker(['network', 'create', '-d', 'overlay', 'ov3']);
      lastError = created.stderr;
      return created.code === 0;
    }, 15_000, 500).catch((error: Error) => {
      throw new Error(`${error.message}: ${lastError}`);
    });
    assert.deepEqual(cluster.hosts.map((host) => host.daemonPid), daemonPids, 'no daemon was restarted');
    const ov3 = await inspectNetwork(h1, 'ov3');
    assert.equal((await visibleOn(h2, 'ov3')).Id, ov3.Id);
    const names = (await h1.dockerOk(['network', 'ls', '--format', '{{.Name}}'])).split('\n');
    assert.equal(names.filter((name) => name === 'ov3').length, 1);
    assert.ok(!names.includes('ov3api'), 'the create refused with 503 left nothing behind');
    await assertPings(a, b.address);
    await assertPings(b, 'a1');
  }));
});

describe('overlay TTL: a dead node leaves its peers\' forwarding tables and comes back with its daemon', () => {
  const TTL = 3;
  const shared = clusterFor({ hosts: 3, ttlSeconds: TTL });

  it('e: host 2 killed: within TTL+5 s no FDB entry points at it; restarted: its entries return', { timeout: 180_000 }, () => shared.use(async (cluster) => {
    const [h1, h2, h3] = cluster.hosts as [TestHost, TestHost, TestHost];
    const host2 = cluster.addressOf(1);
    const ovId = await h1.dockerOk(['network', 'create', '-d', 'overlay', 'ov']);
    await Promise.all([visibleOn(h2, 'ov'), visibleOn(h3, 'ov')]);
    const [a, b, c] = await Promise.all([place(h1, 'a1', 'ov'), place(h2, 'b2', 'ov'), place(h3, 'c3', 'ov')]);
    await eventuallyPings(a, b.address);
    await eventuallyPings(c, b.address);
    await eventuallyPings(a, c.address);

    const device = vxlanDevice(ovId);
    assert.match(device, /^vx-[0-9a-f]{12}$/);
    for (const host of [h1, h3]) {
      assert.ok((await vxlanDevices(host)).includes(device), `${device} on ${host.netns}`);
      const entries = await fdb(host, device);
      assert.ok(entries.split('\n').some((line) => line.startsWith(b.mac) && hasDst(line, host2)), `b's MAC -> ${host2} on ${host.netns}:\n${entries}`);
    }
    assert.match(await h1.ip(['-d', 'link', 'show', device]), new RegExp(`master ov-${ovId.slice(0, 12)}\\b`));

    await h2.kill();
    const killed = Date.now();
    try {
      for (const host of [h1, h3]) {
        let entries = '';
        await eventually(`no FDB entry for ${host2} on ${host.netns}`, async () => {
          entries = await fdb(host, device);
          return !hasDst(entries, host2);
        }, (TTL + 5) * 1000 - (Date.now() - killed), 250).catch((error: Error) => {
          throw new Error(`${error.message}:\n${entries}`);
        });
      }
      // Only host 2's entries went: the device is still there with host 3's (on host 1) and host 1's
      // (on host 3), and the survivors still talk.
      assert.ok(hasDst(await fdb(h1, device), cluster.addressOf(2)), `host 1 keeps host 3's entries:\n${await fdb(h1, device)}`);
      assert.ok(hasDst(await fdb(h3, device), cluster.addressOf(0)), `host 3 keeps host 1's entries:\n${await fdb(h3, device)}`);
      await assertPings(a, c.address);
      await assertPings(c, a.address);
    } finally {
      if (h2.daemonPid === undefined) await h2.start();
    }

    for (const host of [h1, h3]) {
      let entries = '';
      await eventually(`b's FDB entry back on ${host.netns}`, async () => {
        entries = await fdb(host, device);
        return entries.split('\n').some((line) => line.startsWith(b.mac) && hasDst(line, host2));
      }, 15_000).catch((error: Error) => {
        throw new Error(`${error.message}:\n${entries}`);
      });
    }
    // And host 2 re-programmed its own device for the peers.
    const own = await fdb(h2, device);
    assert.ok(hasDst(own, cluster.addressOf(0)) && hasDst(own, cluster.addressOf(2)), `host 2's FDB:\n${own}`);
    await eventuallyPings(a, b.address);
    await assertPings(b, c.address);
  }));
});

describe('overlay routed mode (host-gw): a slice of the subnet per host and plain routes', () => {
  const shared = clusterFor({ hosts: 3 });

  it('f: containers on hosts 1 and 2 get addresses from different slices and reach each other through routes, no VXLAN', { timeout: 180_000 }, () => shared.use(async (cluster) => {
    const [h1, h2] = cluster.hosts as [TestHost, TestHost, TestHost];
    const SUBNET = '10.123.0.0/16';
    const id = await h1.dockerOk(['network', 'create', '-d', 'overlay', '-o', 'mode=host-gw', '--subnet', SUBNET, 'ovr']);
    const seen = await visibleOn(h2, 'ovr');
    assert.equal(seen.Id, id);
    assert.equal(seen.Driver, 'overlay');
    assert.equal(subnetOf(seen), SUBNET);
    assert.equal(seen.Options?.['mode'], 'host-gw');

    const [r1, r2] = await Promise.all([place(h1, 'r1', 'ovr'), place(h2, 'r2', 'ovr')]);
    assert.ok(cidrContains(SUBNET, r1.address) && cidrContains(SUBNET, r2.address), `${r1.address}, ${r2.address} in ${SUBNET}`);

    // Host 1 routes host 2's slice via host 2's underlay address, and the other way round.
    const sliceRoute = async (on: TestHost, via: string, holder: Placed, other: Placed): Promise<RouteView> => {
      let found: RouteView | undefined;
      let table: RouteView[] = [];
      await eventually(`a route on ${on.netns} to ${holder.name}'s slice (holding ${holder.address}; ${other.name} is ${other.address}) via ${via}`, async () => {
        table = await routes(on);
        found = table.find((route) => route.gateway === via && route.dst.includes('/') && cidrWithin(route.dst, SUBNET) && cidrContains(route.dst, holder.address));
        return found !== undefined;
      }, 15_000).catch((error: Error) => {
        throw new Error(`${error.message}: ${JSON.stringify(table)}`);
      });
      assert.ok(!cidrContains(found!.dst, other.address), `${found!.dst} (${holder.name}'s slice) must not hold ${other.name}'s ${other.address}`);
      return found!;
    };
    const slice2 = await sliceRoute(h1, cluster.addressOf(1), r2, r1);
    const slice1 = await sliceRoute(h2, cluster.addressOf(0), r1, r2);
    assert.notEqual(slice1.dst, slice2.dst);
    assert.ok(!cidrWithin(slice1.dst, slice2.dst) && !cidrWithin(slice2.dst, slice1.dst), `slices ${slice1.dst} and ${slice2.dst} don't overlap`);
    assert.equal(slice2.dev, cluster.underlayDevice);

    // No encapsulation for this network.
    const device = vxlanDevice(id);
    for (const on of [h1, h2]) assert.ok(!(await vxlanDevices(on)).includes(device), `no ${device} on ${on.netns}`);

    await eventuallyPings(r1, r2.address);
    await assertPings(r2, r1.address);
    await assertPings(r1, 'r2');
    await assertPings(r2, 'r1');
  }));
});

describe('overlay at scale: 50 containers over three hosts, all pairs', () => {
  const shared = clusterFor({ hosts: 3 });

  it('g: every one of the 2450 ordered pairs pings', { timeout: 900_000 }, (t) => shared.use(async (cluster) => {
    const hosts = cluster.hosts;
    const COUNT = 50;
    await hosts[0]!.dockerOk(['network', 'create', '-d', 'overlay', 'ov']);
    await Promise.all(hosts.slice(1).map((h) => visibleOn(h, 'ov')));
    const names = Array.from({ length: COUNT }, (_, index) => `s${String(index).padStart(2, '0')}`);
    const hostOf = (index: number): TestHost => hosts[index % hosts.length]!;
    try {
      // Round-robin over the hosts; each host starts its share in parallel batches.
      const started = Date.now();
      await Promise.all(hosts.map((h, hostIndex) => {
        const mine = names.filter((_, index) => index % hosts.length === hostIndex);
        return inBatches(mine, 5, (name) => h.dockerOk(['run', '-d', '--name', name, '--network', 'ov', ...SLEEPER]));
      }));
      const startMs = Date.now() - started;

      const placed = new Map<string, { host: TestHost; address: string; sandbox: string }>();
      for (const h of hosts) {
        const mine = names.filter((_, index) => hostOf(index) === h);
        const lines = (await h.dockerOk(['inspect', '-f', '{{.Name}} {{.NetworkSettings.Networks.ov.IPAddress}} {{.NetworkSettings.SandboxKey}}', ...mine])).split('\n');
        for (const line of lines) {
          const [name = '', address = '', sandbox = ''] = line.trim().replace(/^\//, '').split(' ');
          placed.set(name, { host: h, address, sandbox });
        }
      }
      assert.equal(placed.size, COUNT);
      const addresses = [...placed.values()].map((entry) => entry.address);
      assert.equal(new Set(addresses).size, COUNT, `50 distinct addresses: ${addresses.join(' ')}`);
      for (const address of addresses) assert.match(address, /^\d+\.\d+\.\d+\.\d+$/);

      // Every host sees all 50 endpoints before the probe (the store's watch has delivered them).
      for (const h of hosts) {
        let count = 0;
        await eventually(`inspect ov on ${h.netns} lists all ${COUNT}`, async () => {
          count = Object.keys((await inspectNetwork(h, 'ov')).Containers ?? {}).length;
          return count === COUNT;
        }, 30_000, 500).catch((error: Error) => {
          throw new Error(`${error.message} (${count})`);
        });
      }

      // The kernel's ARP table is one for the whole machine (arp_cache; gc_thresh3 = 1024 entries,
      // settable only in the machine's own namespace, which tests never touch), and entries younger
      // than 5 s can't be reclaimed. 2450 pairs make up to 4900 entries (one on each side of a
      // pair): probed in parallel, the table overflows ("neighbor table overflow!") and pings fail
      // for reasons that have nothing to do with conet. So sources probe one after another, each
      // source's entries are flushed after its round, and every container's every 8 rounds.
      const flush = (name: string): Promise<unknown> =>
        run(['nsenter', `--net=${placed.get(name)!.sandbox}`, 'ip', 'neigh', 'flush', 'all'], { allowFailure: true, timeoutMs: 10_000 });
      const flushAll = (): Promise<unknown> => inBatches(names, 10, flush);
      const byAddress = new Map([...placed].map(([name, entry]) => [entry.address, name]));
      const probeStarted = Date.now();
      await flushAll();
      const failures: string[] = [];
      for (const [index, name] of names.entries()) {
        const self = placed.get(name)!;
        const targets = addresses.filter((address) => address !== self.address);
        const script = `for ip in ${targets.join(' ')}; do ping -c1 -W2 $ip >/dev/null 2>&1 || echo "FAIL $ip"; done; echo probed`;
        const result = await self.host.docker(['exec', name, 'sh', '-c', script], { timeoutMs: 240_000 });
        if (!result.stdout.includes('probed')) failures.push(`${name}: the probe did not run (exit ${result.code}): ${result.stderr}`);
        for (const line of result.stdout.split('\n').filter((text) => text.startsWith('FAIL '))) {
          const target = line.slice(5).trim();
          failures.push(`${name} (${self.host.netns}) -> ${byAddress.get(target) ?? '?'} ${target} (${placed.get(byAddress.get(target) ?? '')?.host.netns ?? '?'})`);
        }
        await flush(name);
        if (index % 8 === 7) await flushAll();
      }
      const probeMs = Date.now() - probeStarted;
      const perSource = new Map<string, number>();
      for (const failure of failures) perSource.set(failure.split(' ')[0]!, (perSource.get(failure.split(' ')[0]!) ?? 0) + 1);
      const summary = [...perSource].map(([name, count]) => `${name} (${placed.get(name)?.host.netns ?? '?'}, ${placed.get(name)?.address ?? '?'}): ${count}/${COUNT - 1}`).join(', ');
      assert.deepEqual(failures.slice(0, 40), [], `${failures.length} of ${COUNT * (COUNT - 1)} pairs failed; failures per source: ${summary}; first 40 shown`);
      t.diagnostic(`50 containers started in ${startMs} ms; 2450 pings in ${probeMs} ms`);
    } finally {
      await Promise.all(hosts.map(async (h) => {
        const mine = names.filter((_, index) => hostOf(index) === h);
        await h.docker(['rm', '-f', ...mine], { timeoutMs: 120_000 }).catch(() => undefined);
      }));
      await hosts[0]!.docker(['network', 'rm', 'ov']).catch(() => undefined);
    }
  }));
});
