/**
 * LinuxOverlay on the real kernel, in throwaway namespaces only:
 *
 *   VXLAN:   cA 10.0.9.2 --veth-- hostA br0 + vx-test (local 10.98.7.1) ==u0 veth== hostB (10.98.7.2) br0 + vx-test --veth-- cB 10.0.9.3
 *   routed:  cA 10.0.10.2/26 --veth-- hostA br0 10.0.10.1 ==u0 10.98.8.1/.2== hostB br0 10.0.10.65 --veth-- cB 10.0.10.66/26
 *
 * "Hosts" are namespaces joined by a veth underlay; containers are namespaces on a veth whose host
 * end is in the host's bridge. Nothing is made in the machine's own namespace.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { run, spawnedProcesses } from '../../src/exec/index.js';
import { isEngineError } from '../../src/errors/index.js';
import { CONET_ROUTE_PROTOCOL, LinuxOverlay } from '../../src/kernel/linux/overlay.js';
import { addVethPair, ipBatch, ipIn, NetnsSandbox, setSysctl, type Netns } from '../helpers/netns.js';

const BUSYBOX = '/usr/bin/busybox';
const overlay = new LinuxOverlay();
const at = (ns: Netns): { netns: string } => ({ netns: ns.path });

async function ping(from: Netns, address: string, size?: number): Promise<boolean> {
  const argv = ['nsenter', `--net=${from.path}`, '--', BUSYBOX, address.includes(':') ? 'ping6' : 'ping', '-c1', '-W1', ...(size === undefined ? [] : ['-s', String(size)]), address];
  return (await run(argv, { allowFailure: true, timeoutMs: 10_000 })).code === 0;
}

/** Success may take an ARP round or two after a change; failure is checked with one try. */
async function reaches(from: Netns, address: string, size?: number): Promise<boolean> {
  for (let attempt = 0; attempt < 3; attempt += 1) if (await ping(from, address, size)) return true;
  return false;
}

async function json<T>(ns: Netns, argv: string[]): Promise<T> {
  const { stdout } = await run(['nsenter', `--net=${ns.path}`, '--', ...argv]);
  return JSON.parse(stdout || '[]') as T;
}

interface Fdb { mac: string; dst?: string; flags?: string[]; master?: string; state?: string }
const vxlanEntries = async (ns: Netns): Promise<Fdb[]> =>
  (await json<Fdb[]>(ns, ['bridge', '-json', 'fdb', 'show', 'dev', 'vx-test'])).filter((entry) => entry.flags?.includes('self'));
const neighbours = async (ns: Netns): Promise<Array<{ dst: string; lladdr?: string; state?: string[] }>> =>
  json(ns, ['ip', '-json', 'neigh', 'show', 'dev', 'vx-test']);
interface VxlanLink { ifindex: number; ifname: string; mtu: number; ifalias?: string; master?: string; flags: string[]; linkinfo: { info_kind: string; info_data: { id: number; port: number; local: string; learning: boolean; proxy: boolean } } }
const vxlanLink = async (ns: Netns): Promise<VxlanLink | undefined> =>
  (await json<VxlanLink[]>(ns, ['ip', '-json', '-details', 'link', 'show', 'type', 'vxlan']))[0];

/** A "container" namespace on a veth whose host end (`hostEnd`) is in the host's br0; `cidr` may list several, comma-separated. */
async function plugContainer(namespaces: NetnsSandbox, host: Netns, role: string, hostEnd: string, mac: string, cidr: string, mtu: number, gateway?: string): Promise<Netns> {
  const container = await namespaces.create(role);
  await addVethPair(host, hostEnd, { ns: container, name: 'eth0' });
  await ipBatch(host, [`link set dev ${hostEnd} mtu ${mtu} master br0 up`]);
  await ipBatch(container, [
    `link set dev eth0 address ${mac} mtu ${mtu}`,
    ...cidr.split(',').map((one) => `addr add ${one} dev eth0${one.includes(':') ? ' nodad' : ''}`),
    'link set dev eth0 up',
    ...(gateway ? [`route add default via ${gateway}`] : []),
  ]);
  return container;
}

/** Two hosts joined by a veth underlay (u0 on both ends), each with a bridge br0. */
async function twoHosts(namespaces: NetnsSandbox, subnet: string, bridgeA: string[], bridgeB: string[], mtu: number): Promise<[Netns, Netns]> {
  const hostA = await namespaces.create('ha');
  const hostB = await namespaces.create('hb');
  await addVethPair(hostA, 'u0', { ns: hostB, name: 'u0' });
  for (const [host, self, bridge] of [[hostA, 1, bridgeA], [hostB, 2, bridgeB]] as const) {
    await ipBatch(host, [
      `addr add ${subnet}.${self}/24 dev u0`,
      'link set dev u0 up',
      `link add name br0 mtu ${mtu} type bridge`,
      ...bridge.map((cidr) => `addr add ${cidr} dev br0`),
      'link set dev br0 up',
    ]);
  }
  return [hostA, hostB];
}

describe('LinuxOverlay: VXLAN with static peers', () => {
  const namespaces = new NetnsSandbox('conet-t-ov');
  let hostA: Netns;
  let hostB: Netns;
  let cA: Netns;
  let cB: Netns;
  const MAC_A = '02:42:0a:00:09:02';
  const MAC_B = '02:42:0a:00:09:03';
  const spec = (local: string) => ({ name: 'vx-test', vni: 4242, local, port: 4789, mtu: 1450, master: 'br0', alias: 'conet-ov:test' });
  const peerOfA = { mac: MAC_A, address: '10.0.9.2', vtep: '10.98.7.1' };
  const peerOfB = { mac: MAC_B, address: '10.0.9.3', vtep: '10.98.7.2' };

  before(async () => {
    [hostA, hostB] = await twoHosts(namespaces, '10.98.7', [], [], 1450);
    cA = await plugContainer(namespaces, hostA, 'ca', 've-ca', MAC_A, '10.0.9.2/24,fd09::2/64', 1450);
    cB = await plugContainer(namespaces, hostB, 'cb', 've-cb', MAC_B, '10.0.9.3/24,fd09::3/64', 1450);
  });
  after(() => namespaces.cleanup());

  it('ensureVxlan creates the device as asked, and a second call changes nothing', async () => {
    await overlay.ensureVxlan(spec('10.98.7.1'), at(hostA));
    await overlay.ensureVxlan(spec('10.98.7.2'), at(hostB));
    const link = await vxlanLink(hostA);
    assert.ok(link);
    assert.equal(link.ifname, 'vx-test');
    assert.deepEqual(
      { id: link.linkinfo.info_data.id, port: link.linkinfo.info_data.port, local: link.linkinfo.info_data.local, learning: link.linkinfo.info_data.learning, proxy: link.linkinfo.info_data.proxy },
      { id: 4242, port: 4789, local: '10.98.7.1', learning: false, proxy: true },
    );
    assert.equal(link.mtu, 1450);
    assert.equal(link.ifalias, 'conet-ov:test');
    assert.equal(link.master, 'br0');
    assert.ok(link.flags.includes('UP'));

    const spawned = spawnedProcesses();
    await overlay.ensureVxlan(spec('10.98.7.1'), at(hostA));
    assert.equal(spawnedProcesses() - spawned, 1, 'one query, no batch');
    assert.equal((await vxlanLink(hostA))?.ifindex, link.ifindex, 'same device');
  });

  it('without peers nothing crosses: no flooding, no learning', async () => {
    await overlay.setPeers('vx-test', [], at(hostA));
    assert.equal(await ping(cA, '10.0.9.3'), false);
    assert.deepEqual(await vxlanEntries(hostA), []);
  });

  it('with peers set on both hosts the containers reach each other; ARP is answered by the VXLAN proxy', async () => {
    await overlay.setPeers('vx-test', [peerOfB], at(hostA));
    await overlay.setPeers('vx-test', [peerOfA], at(hostB));
    assert.ok(await reaches(cA, '10.0.9.3'), 'cA -> cB');
    assert.ok(await reaches(cB, '10.0.9.2'), 'cB -> cA');
    // 1450-byte inner packets (1422 of ICMP payload) fit a 1500-byte underlay: 50 bytes of overhead.
    assert.ok(await reaches(cA, '10.0.9.3', 1422), 'full-size inner packet');
    // No flood entry exists, so the broadcast ARP request never left hostA: the answer is the proxy's.
    const [arp] = await json<Array<{ lladdr?: string }>>(cA, ['ip', '-json', 'neigh', 'show', '10.0.9.3', 'dev', 'eth0']);
    assert.equal(arp?.lladdr, MAC_B);
    // Only the permanent entries we set: traffic taught the VXLAN device nothing.
    assert.deepEqual(
      (await vxlanEntries(hostA)).map((entry) => ({ mac: entry.mac, dst: entry.dst, state: entry.state })),
      [{ mac: MAC_B, dst: '10.98.7.2', state: 'permanent' }],
    );
    assert.deepEqual((await neighbours(hostA)).map((entry) => [entry.dst, entry.lladdr, entry.state]), [['10.0.9.3', MAC_B, ['PERMANENT']]]);
  });

  it('setting the same peers again spawns only the two reads', async () => {
    const spawned = spawnedProcesses();
    await overlay.setPeers('vx-test', [peerOfB], at(hostA));
    assert.equal(spawnedProcesses() - spawned, 2);
  });

  it('a changed peer set replaces the entries: the stale one is gone, traffic stops', async () => {
    const other = { mac: '02:42:0a:00:09:04', address: '10.0.9.4', vtep: '10.98.7.2' };
    const otherV6 = { mac: '02:42:0a:00:09:04', address: 'fd09::4', vtep: '10.98.7.2' };
    await overlay.setPeers('vx-test', [other, otherV6], at(hostA));
    assert.deepEqual((await vxlanEntries(hostA)).map((entry) => [entry.mac, entry.dst]), [['02:42:0a:00:09:04', '10.98.7.2']]);
    assert.deepEqual(
      (await neighbours(hostA)).filter((entry) => entry.state?.includes('PERMANENT')).map((entry) => entry.dst).sort(),
      ['10.0.9.4', 'fd09::4'],
    );
    await run(['nsenter', `--net=${cA.path}`, '--', 'ip', 'neigh', 'flush', 'dev', 'eth0']);
    assert.equal(await ping(cA, '10.0.9.3'), false);

    await overlay.setPeers('vx-test', [peerOfB], at(hostA));
    assert.ok(await reaches(cA, '10.0.9.3'), 'back');
    await overlay.setPeers('vx-test', [], at(hostA));
    assert.deepEqual(await vxlanEntries(hostA), []);
    assert.deepEqual((await neighbours(hostA)).filter((entry) => entry.state?.includes('PERMANENT')), []);
    await run(['nsenter', `--net=${cA.path}`, '--', 'ip', 'neigh', 'flush', 'dev', 'eth0']);
    assert.equal(await ping(cA, '10.0.9.3'), false);
  });

  it('IPv6 containers too: neighbour solicitations are answered by the proxy', async () => {
    await overlay.setPeers('vx-test', [peerOfB, { ...peerOfB, address: 'fd09::3' }], at(hostA));
    await overlay.setPeers('vx-test', [peerOfA, { ...peerOfA, address: 'fd09::2' }], at(hostB));
    assert.ok(await reaches(cA, 'fd09::3'), 'cA -> cB over IPv6');
    assert.ok(await reaches(cB, 'fd09::2'), 'cB -> cA over IPv6');
    await overlay.setPeers('vx-test', [], at(hostA));
    await overlay.setPeers('vx-test', [], at(hostB));
  });

  it('setPeers on a missing device rejects with a typed error', async () => {
    await assert.rejects(overlay.setPeers('vx-nope', [], at(hostA)), (error) => isEngineError(error) && error.code === 'overlay-device-missing');
  });

  it('ensureVxlan with another vni replaces the device; entries go with the old one', async () => {
    await overlay.setPeers('vx-test', [peerOfB], at(hostA));
    const before = await vxlanLink(hostA);
    await overlay.ensureVxlan({ ...spec('10.98.7.1'), vni: 4343 }, at(hostA));
    const after = await vxlanLink(hostA);
    assert.ok(before && after);
    assert.notEqual(after.ifindex, before.ifindex);
    assert.equal(after.linkinfo.info_data.id, 4343);
    assert.equal(after.master, 'br0');
    assert.equal(after.ifalias, 'conet-ov:test');
    assert.ok(after.flags.includes('UP'));
    assert.deepEqual(await vxlanEntries(hostA), []);
    // Drift on mtu/alias/up is set back in place, without replacing the device.
    await ipIn(hostA, ['link', 'set', 'dev', 'vx-test', 'down', 'mtu', '1400', 'alias', 'other']);
    await overlay.ensureVxlan({ ...spec('10.98.7.1'), vni: 4343 }, at(hostA));
    const fixed = await vxlanLink(hostA);
    assert.equal(fixed?.ifindex, after.ifindex);
    assert.equal(fixed?.mtu, 1450);
    assert.equal(fixed?.ifalias, 'conet-ov:test');
    assert.ok(fixed?.flags.includes('UP'));
  });

  it('a failed ensureVxlan leaves nothing behind', async () => {
    await assert.rejects(
      overlay.ensureVxlan({ ...spec('10.98.7.1'), name: 'vx-broken', vni: 4444, master: 'br-missing' }, at(hostA)),
      (error) => isEngineError(error) && error.code === 'overlay-vxlan',
    );
    const links = await json<Array<{ ifname: string }>>(hostA, ['ip', '-json', 'link', 'show']);
    assert.ok(!links.some((link) => link.ifname === 'vx-broken'));
    // A device of another kind with the name is not ours: refused, left alone.
    await assert.rejects(overlay.ensureVxlan({ ...spec('10.98.7.1'), name: 'u0' }, at(hostA)), /a veth device with that name exists/);
  });

  it('underlayOf finds the link holding the address, and rejects an address no link has', async () => {
    assert.deepEqual(await overlay.underlayOf('10.98.7.1', at(hostA)), { device: 'u0', mtu: 1500 });
    await assert.rejects(overlay.underlayOf('10.98.7.9', at(hostA)), (error) => isEngineError(error) && error.code === 'overlay-underlay-missing');
  });
});

describe('LinuxOverlay: routed peers (no encapsulation)', () => {
  const namespaces = new NetnsSandbox('conet-t-ovr');
  let hostA: Netns;
  let hostB: Netns;
  let cA: Netns;
  let cB: Netns;
  const routes = async (ns: Netns): Promise<Array<{ dst: string; gateway?: string; protocol?: string }>> =>
    json(ns, ['ip', '-json', 'route', 'show', 'table', 'main']);

  before(async () => {
    [hostA, hostB] = await twoHosts(namespaces, '10.98.8', ['10.0.10.1/26'], ['10.0.10.65/26'], 1500);
    for (const host of [hostA, hostB]) await setSysctl(host, 'net.ipv4.ip_forward', '1');
    cA = await plugContainer(namespaces, hostA, 'ca', 've-ca', '02:42:0a:00:0a:02', '10.0.10.2/26', 1500, '10.0.10.1');
    cB = await plugContainer(namespaces, hostB, 'cb', 've-cb', '02:42:0a:00:0a:42', '10.0.10.66/26', 1500, '10.0.10.65');
  });
  after(() => namespaces.cleanup());

  it('peer routes on both hosts let the containers reach each other through plain routing', async () => {
    assert.equal(await ping(cA, '10.0.10.66'), false, 'no route yet');
    await overlay.setPeerRoutes([{ destination: '10.0.10.64/26', via: '10.98.8.2' }], at(hostA));
    await overlay.setPeerRoutes([{ destination: '10.0.10.0/26', via: '10.98.8.1' }], at(hostB));
    assert.ok(await reaches(cA, '10.0.10.66'), 'cA -> cB');
    assert.ok(await reaches(cB, '10.0.10.2'), 'cB -> cA');
    const ours = (await routes(hostA)).filter((route) => route.protocol === String(CONET_ROUTE_PROTOCOL));
    assert.deepEqual(ours.map((route) => [route.dst, route.gateway]), [['10.0.10.64/26', '10.98.8.2']]);
    // No VXLAN anywhere: the packets crossed u0 as they are.
    for (const host of [hostA, hostB]) assert.equal(await vxlanLink(host), undefined);
    const spawned = spawnedProcesses();
    await overlay.setPeerRoutes([{ destination: '10.0.10.64/26', via: '10.98.8.2' }], at(hostA));
    assert.equal(spawnedProcesses() - spawned, 1, 'unchanged: the read only');
  });

  it('a route of another protocol survives setPeerRoutes([]) and is never taken over', async () => {
    await ipIn(hostA, ['route', 'add', '10.0.20.0/24', 'via', '10.98.8.2', 'proto', 'static']);
    await overlay.setPeerRoutes([{ destination: '10.0.10.64/26', via: '10.98.8.2' }, { destination: '10.0.10.128/26', via: '10.98.8.2' }], at(hostA));
    await overlay.setPeerRoutes([], at(hostA));
    const left = await routes(hostA);
    assert.ok(!left.some((route) => route.protocol === String(CONET_ROUTE_PROTOCOL)), 'ours are gone');
    assert.ok(left.some((route) => route.dst === '10.0.20.0/24' && route.protocol === 'static'), 'the static one stays');
    assert.equal(await ping(cA, '10.0.10.66'), false);

    await assert.rejects(
      overlay.setPeerRoutes([{ destination: '10.0.20.0/24', via: '10.98.8.1' }], at(hostA)),
      (error) => isEngineError(error) && error.code === 'overlay-route-conflict',
    );
    const still = (await routes(hostA)).find((route) => route.dst === '10.0.20.0/24');
    assert.deepEqual([still?.gateway, still?.protocol], ['10.98.8.2', 'static']);
  });

  it('a gateway that is not on-link is refused by the kernel, without holding back the other routes', async () => {
    await assert.rejects(
      overlay.setPeerRoutes([{ destination: '10.0.30.0/24', via: '192.0.2.1' }, { destination: '10.0.10.64/26', via: '10.98.8.2' }], at(hostA)),
      /invalid gateway|unreachable|No route/i,
    );
    const ours = (await routes(hostA)).filter((route) => route.protocol === String(CONET_ROUTE_PROTOCOL));
    assert.deepEqual(ours.map((route) => route.dst), ['10.0.10.64/26']);
    assert.ok(await reaches(cA, '10.0.10.66'));
    await overlay.setPeerRoutes([], at(hostA));
  });
});
