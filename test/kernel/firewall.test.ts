/**
 * Connectivity matrix for the nftables builder on the real kernel. Everything happens in
 * throwaway namespaces: a "host" with four bridges and forwarding on, "container" namespaces on
 * veths, and an "outside" namespace that has no route back to the container subnets, so a
 * container only gets replies from outside when masquerade rewrote its source.
 *
 *   A  br-a      10.50.1.0/24 + fd50:1::/64  icc, masquerade      containers a1 a2
 *   B  br-b.x    10.50.2.0/24                masquerade off        container  b1
 *   C  br_c      10.50.3.0/24                internal              containers c1 c2
 *   D  brD       10.50.4.0/24                icc=false, masquerade containers d1 d2
 *   outside      10.250.0.2/30, fd25::2/64 (host side .1 / ::1)
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { addNetworkScript, buildRuleset, removeNetworkScript, type FirewallNetwork } from '../../src/firewall/index.js';
import { LinuxNftables } from '../../src/kernel/linux/nft.js';
import { addVethPair, execIn, ipBatch, NetnsSandbox, setSysctl, type Netns } from '../helpers/netns.js';

const TABLE = 'conet_fwtest';
const nft = new LinuxNftables();
const id = (): string => randomBytes(32).toString('hex');

interface Spec { network: FirewallNetwork; gateway4: string; gateway6?: string; containers: string[] }
const specs: Record<'a' | 'b' | 'c' | 'd', Spec> = {
  a: { network: { id: id(), bridge: 'br-a', subnets4: ['10.50.1.0/24'], subnets6: ['fd50:1::/64'], masquerade: true, icc: true, internal: false },
    gateway4: '10.50.1.1', gateway6: 'fd50:1::1', containers: ['a1', 'a2'] },
  b: { network: { id: id(), bridge: 'br-b.x', subnets4: ['10.50.2.0/24'], subnets6: [], masquerade: false, icc: true, internal: false },
    gateway4: '10.50.2.1', containers: ['b1'] },
  c: { network: { id: id(), bridge: 'br_c', subnets4: ['10.50.3.0/24'], subnets6: [], masquerade: true, icc: true, internal: true },
    gateway4: '10.50.3.1', containers: ['c1', 'c2'] },
  d: { network: { id: id(), bridge: 'brD', subnets4: ['10.50.4.0/24'], subnets6: [], masquerade: true, icc: false, internal: false },
    gateway4: '10.50.4.1', containers: ['d1', 'd2'] },
};
const networks = Object.values(specs).map((spec) => spec.network);
const OUTSIDE4 = '10.250.0.2';
const OUTSIDE6 = 'fd25::2';

const sandbox = new NetnsSandbox('conet-fwtest');
let host: Netns;
let outside: Netns;
const containers = new Map<string, { ns: Netns; address4: string; address6?: string }>();

function container(name: string): { ns: Netns; address4: string; address6?: string } {
  const found = containers.get(name);
  assert.ok(found, `no container ${name}`);
  return found;
}

/** One ICMP echo; a positive expectation gets retries so a slow first ARP can't flake it. */
async function ping(from: Netns, address: string, attempts = 1): Promise<boolean> {
  const applet = address.includes(':') ? 'ping6' : 'ping';
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const result = await execIn(from, ['busybox', applet, '-c1', '-W1', address], { allowFailure: true, timeoutMs: 5_000 });
    if (result.code === 0) return true;
  }
  return false;
}
const reaches = (from: string, address: string): Promise<boolean> => ping(container(from).ns, address, 3);
const blocked = async (from: string, address: string): Promise<boolean> => !(await ping(container(from).ns, address));

/** Echo requests counted in the outside namespace by source, before rp_filter or routing. */
async function outsideCounter(name: 'from_host' | 'from_containers'): Promise<number> {
  const { stdout } = await execIn(outside, ['nft', '-j', 'list', 'counter', 'inet', 'probe', name]);
  const document = JSON.parse(stdout) as { nftables: Array<{ counter?: { packets: number } }> };
  return document.nftables.find((object) => object.counter)?.counter?.packets ?? -1;
}

async function buildTopology(): Promise<void> {
  host = await sandbox.create('host');
  outside = await sandbox.create('out');
  for (const [key, value] of [['net.ipv4.ip_forward', '1'], ['net.ipv6.conf.all.forwarding', '1'],
    ['net.bridge.bridge-nf-call-iptables', '1'], ['net.bridge.bridge-nf-call-ip6tables', '1']] as const) {
    await setSysctl(host, key, value);
  }
  await addVethPair(host, 'vout', { ns: outside, name: 'eth0' });
  await ipBatch(host, ['addr add 10.250.0.1/30 dev vout', 'addr add fd25::1/64 dev vout nodad', 'link set vout up']);
  await ipBatch(outside, [`addr add ${OUTSIDE4}/30 dev eth0`, `addr add ${OUTSIDE6}/64 dev eth0 nodad`, 'link set eth0 up']);
  await execIn(outside, ['nft', '-f', '-'], { input: `table inet probe {
    counter from_host {}
    counter from_containers {}
    chain prerouting {
      type filter hook prerouting priority raw; policy accept;
      icmp type echo-request ip saddr 10.250.0.1 counter name "from_host"
      icmp type echo-request ip saddr 10.50.0.0/16 counter name "from_containers"
    }
  }\n` });

  for (const spec of Object.values(specs)) {
    const { bridge, subnets4 } = spec.network;
    const prefix4 = subnets4[0]!.split('/')[1];
    const hostLines = [`link add ${bridge} type bridge`, `addr add ${spec.gateway4}/${prefix4} dev ${bridge}`];
    if (spec.gateway6) hostLines.push(`addr add ${spec.gateway6}/64 dev ${bridge} nodad`);
    hostLines.push(`link set ${bridge} up`);
    await ipBatch(host, hostLines);
    for (const [index, name] of spec.containers.entries()) {
      const ns = await sandbox.create(name);
      const address4 = spec.gateway4.replace(/\.1$/, `.${index + 2}`);
      const address6 = spec.gateway6?.replace(/::1$/, `::${index + 2}`);
      const veth = `v${name}`;
      await addVethPair(host, veth, { ns, name: 'eth0' });
      await ipBatch(host, [`link set ${veth} master ${bridge}`, `link set ${veth} up`]);
      const lines = [`addr add ${address4}/${prefix4} dev eth0`, 'link set eth0 up', `route add default via ${spec.gateway4}`];
      if (address6) lines.push(`addr add ${address6}/64 dev eth0 nodad`, `route add default via ${spec.gateway6}`);
      await ipBatch(ns, lines);
      containers.set(name, { ns, address4, ...(address6 ? { address6 } : {}) });
    }
  }
}

describe('firewall on the real kernel', { timeout: 180_000 }, () => {
  before(async () => {
    try {
      await buildTopology();
    } catch (error) {
      await sandbox.cleanup();
      throw error;
    }
  });
  after(() => sandbox.cleanup());

  it('baseline: without our table every path is open (so blocked paths below are our doing)', async () => {
    assert.ok(await reaches('a1', container('b1').address4), 'a1 -> b1');
    assert.ok(await reaches('d1', container('d2').address4), 'd1 -> d2');
    assert.ok(await reaches('c1', container('a1').address4), 'c1 -> a1');
  });

  it('applies the full ruleset in the host namespace only', async () => {
    await nft.apply(buildRuleset({ table: TABLE, networks }), { netns: host.path });
    assert.equal(await nft.tableExists('inet', TABLE, { netns: host.path }), true);
    assert.equal(await nft.tableExists('inet', TABLE, { netns: outside.path }), false);
    const listing = await nft.listTable('inet', TABLE, { netns: host.path });
    const forward = listing.chains.find((chain) => chain.name === 'filter-forward');
    assert.equal(forward?.hook, 'forward');
    assert.equal(forward?.policy, 'accept');
  });

  it('masquerades a container going outside (IPv4 and IPv6)', async () => {
    const fromHost = await outsideCounter('from_host');
    const fromContainers = await outsideCounter('from_containers');
    assert.ok(await reaches('a1', OUTSIDE4), 'a1 -> outside');
    assert.ok(await reaches('a1', OUTSIDE6), 'a1 -> outside v6');
    assert.ok(await reaches('d1', OUTSIDE4), 'd1 -> outside');
    assert.ok((await outsideCounter('from_host')) > fromHost, 'outside saw the host address');
    assert.equal(await outsideCounter('from_containers'), fromContainers, 'outside never saw a container address');
  });

  it('forwards but does not masquerade a network with masquerade off', async () => {
    const fromContainers = await outsideCounter('from_containers');
    assert.ok(await blocked('b1', OUTSIDE4), 'no reply without masquerade');
    assert.ok((await outsideCounter('from_containers')) > fromContainers, 'request left with its container source');
  });

  it('lets containers of one icc bridge talk', async () => {
    assert.ok(await reaches('a1', container('a2').address4));
    assert.ok(await reaches('a2', container('a1').address6!));
    assert.ok(await reaches('c1', container('c2').address4), 'internal network, within itself');
  });

  it('isolates bridges from each other', async () => {
    assert.ok(await blocked('a1', container('b1').address4), 'a1 -> b1');
    assert.ok(await blocked('b1', container('a1').address4), 'b1 -> a1');
    assert.ok(await blocked('d1', container('a2').address4), 'd1 -> a2');
  });

  it('blocks containers of an icc=false bridge from each other', async () => {
    assert.ok(await blocked('d1', container('d2').address4));
    assert.ok(await blocked('d2', container('d1').address4));
  });

  it('keeps an internal network to itself', async () => {
    assert.ok(await blocked('c1', OUTSIDE4), 'c1 -> outside');
    assert.ok(await blocked('c1', container('a1').address4), 'c1 -> a1');
    assert.ok(await blocked('a1', container('c1').address4), 'a1 -> c1');
  });

  it('drops unsolicited packets from outside even with a route to the containers', async () => {
    await execIn(outside, ['ip', 'route', 'add', '10.50.0.0/16', 'via', '10.250.0.1']);
    assert.equal(await ping(outside, container('a1').address4), false, 'outside -> a1');
    assert.ok(await reaches('a1', OUTSIDE4), 'a1 -> outside still gets its replies');
  });

  it('removes a network completely and idempotently', async (t) => {
    const b = specs.b.network;
    const script = removeNetworkScript(TABLE, b);
    await nft.apply(script, { netns: host.path });
    await nft.apply(script, { netns: host.path });
    const text = JSON.stringify(await nft.listTable('inet', TABLE, { netns: host.path }));
    assert.doesNotMatch(text, new RegExp(b.id.slice(0, 12)));
    assert.ok(!text.includes(`"${b.bridge}"`), `listing still mentions ${b.bridge}`);
    // br-b.x is now an unmanaged interface: a1 may open connections to it and get replies.
    assert.ok(await reaches('a1', container('b1').address4), 'a1 -> b1 after removing B');

    const started = performance.now();
    await nft.apply(addNetworkScript(TABLE, b), { netns: host.path });
    t.diagnostic(`add-network transaction: ${(performance.now() - started).toFixed(1)} ms`);
    assert.ok(await blocked('a1', container('b1').address4), 'isolated again after re-adding B');
  });

  it('deletes the table, idempotently, and with it every rule', async () => {
    await nft.deleteTable('inet', TABLE, { netns: host.path });
    await nft.deleteTable('inet', TABLE, { netns: host.path });
    assert.equal(await nft.tableExists('inet', TABLE, { netns: host.path }), false);
    assert.ok(await reaches('d1', container('d2').address4), 'd1 -> d2 without the table');
    assert.ok(await ping(outside, container('a1').address4, 3), 'outside -> a1 without the table');
  });
});
