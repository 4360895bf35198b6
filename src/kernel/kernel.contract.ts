/**
 * The kernel ports' contract (links, sandboxes, sysctl, firewall of the Kernel bundle), registered
 * as node:test tests for any implementation: FakeKernel in unit tests, the Linux adapters in a
 * throwaway namespace (test/kernel/kernel-contract.test.ts). The engine's unit tests are only as
 * good as the fake's likeness to Linux, which this checks: namespace targeting (an object made
 * in one namespace is seen there and nowhere else), per-namespace unique names of at most 15
 * characters, no enslaving to a missing bridge, idempotent deletes, namespaces that take their
 * links with them. The host namespace is the adapters' default target (no `netns`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { BridgeSpec, Kernel, NetnsTarget, VethSpec } from './ports.js';

/** Specs as plain strings: the contract hands adapters values their types would refuse, too (16-character names). */
type Loose<T> = { [K in keyof T]: T[K] extends string | undefined ? string | Extract<T[K], undefined> : T[K] extends string[] ? string[] : T[K] };

function ensure(kernel: Kernel, spec: Loose<BridgeSpec>, target?: NetnsTarget): Promise<{ owned: boolean }> {
  return kernel.links.ensureBridge(spec as BridgeSpec, target);
}

export interface KernelHarness {
  /** The ports under test; undefined targets reach a namespace the test owns. */
  kernel(): Promise<Kernel>;
  /** Prefix of machine-wide names (namespaces under /run/netns), unique to this run. */
  prefix: string;
}

/** Sandboxes a test made, removed (with their links) in `finally`, also after a failure. */
class World {
  private readonly sandboxes: string[] = [];

  constructor(readonly kernel: Kernel, private readonly prefix: string) {}

  name(role: string): string {
    return `${this.prefix}-${role}-${randomBytes(2).toString('hex')}`;
  }

  async sandbox(role: string): Promise<{ name: string; at: NetnsTarget }> {
    const name = this.name(role);
    this.sandboxes.push(name);
    const path = await this.kernel.sandboxes.create(name);
    return { name, at: { netns: path } };
  }

  /** Tracks a sandbox a port call creates (createSandbox). */
  adopt(name: string): string {
    this.sandboxes.push(name);
    return name;
  }

  /** Removes everything, trying each object even after one failed; then reports the failures. */
  async cleanup(links: readonly string[]): Promise<void> {
    const errors: unknown[] = [];
    const attempt = async (remove: () => Promise<void>): Promise<void> => {
      try {
        await remove();
      } catch (error) {
        errors.push(error);
      }
    };
    for (const name of this.sandboxes) await attempt(() => this.kernel.sandboxes.remove(name));
    for (const link of links) await attempt(() => this.kernel.links.deleteLink(link));
    if (errors.length > 0) throw new AggregateError(errors, 'kernel contract cleanup failed');
  }
}

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

async function linkNames(kernel: Kernel, at?: NetnsTarget): Promise<string[]> {
  return (await kernel.links.listLinks(at)).map((link) => link.name);
}

async function addressesOf(kernel: Kernel, link: string, at?: NetnsTarget): Promise<string[]> {
  const all = await kernel.links.listAddresses(at);
  return all.filter((a) => a.link === link && !a.address.startsWith('fe80')).map((a) => `${a.address}/${a.prefixLength}`);
}

/** The real kernel destroys a deleted namespace's devices asynchronously. */
async function eventually(what: string, condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function bridge(world: World, links: string[]): Promise<void> {
  const { kernel } = world;
  const name = `brc-${hex(3)}`;
  links.push(name);
  await ensure(kernel, { name, addresses: ['10.231.0.1/24', 'fd31::1/64'], mtu: 1400, alias: 'conet-net:contract', mac: '02:42:0a:e7:00:01' });
  const link = (await kernel.links.listLinks()).find((each) => each.name === name);
  assert.ok(link, 'listed in the host namespace');
  assert.deepEqual({ ...link, index: link.index > 0 }, { name, index: true, kind: 'bridge', up: true, mtu: 1400, mac: '02:42:0a:e7:00:01', alias: 'conet-net:contract', master: '' });
  assert.deepEqual(await addressesOf(kernel, name), ['10.231.0.1/24', 'fd31::1/64']);
  const routes = await kernel.links.listRoutes();
  assert.ok(routes.some((route) => route.destination === '10.231.0.0/24' && route.device === name), `connected route by network: ${JSON.stringify(routes)}`);
  // Again with other settings: the same device, made to match.
  await ensure(kernel, { name, addresses: ['10.231.1.1/24'], mtu: 1500, alias: 'conet-net:contract' });
  const again = (await kernel.links.listLinks()).find((each) => each.name === name);
  assert.equal(again?.index, link.index, 'not recreated');
  assert.equal(again?.mtu, 1500);
  assert.deepEqual(await addressesOf(kernel, name), ['10.231.1.1/24'], 'old addresses removed');
}

/** A bridge without our alias is someone else's: used, never changed or removed (issue 10, item 6). */
async function foreignBridge(world: World, links: string[]): Promise<void> {
  const { kernel } = world;
  const name = `brf-${hex(3)}`;
  links.push(name);
  await ensure(kernel, { name, addresses: ['10.235.0.7/24'], mtu: 1400, alias: 'someone-else' });
  const before = (await kernel.links.listLinks()).find((each) => each.name === name);
  const result = await ensure(kernel, { name, addresses: ['10.235.0.1/24'], mtu: 1500, alias: 'conet-net:f', mac: '02:42:0a:eb:00:01' });
  assert.deepEqual(result, { owned: false });
  const after = (await kernel.links.listLinks()).find((each) => each.name === name);
  assert.deepEqual({ mtu: after?.mtu, alias: after?.alias, mac: after?.mac, index: after?.index }, { mtu: 1400, alias: 'someone-else', mac: before?.mac, index: before?.index });
  assert.deepEqual(await addressesOf(kernel, name), ['10.235.0.7/24', '10.235.0.1/24'], 'its address kept, ours added');
  assert.equal(await kernel.links.deleteOwnedLink(name, 'conet-net:f'), false);
  assert.ok((await linkNames(kernel)).includes(name), 'deleteOwnedLink leaves a link without our alias');
  assert.equal(await kernel.links.deleteOwnedLink(name, 'someone-else'), true);
  assert.ok(!(await linkNames(kernel)).includes(name));
  assert.equal(await kernel.links.deleteOwnedLink(name, 'someone-else'), false, 'gone is fine');
}

async function targeting(world: World, links: string[]): Promise<void> {
  const { kernel } = world;
  const x = await world.sandbox('x');
  const y = await world.sandbox('y');
  const name = `brt-${hex(3)}`;
  links.push(name);
  await ensure(kernel, { name, addresses: ['10.232.0.1/24'], mtu: 1500, alias: 'conet-net:x' }, x.at);
  assert.ok((await linkNames(kernel, x.at)).includes(name), 'seen in the namespace it was made in');
  assert.ok(!(await linkNames(kernel)).includes(name), 'not in the host namespace');
  assert.ok(!(await linkNames(kernel, y.at)).includes(name), 'not in another namespace');
  assert.ok(!(await kernel.links.listAddresses()).some((a) => a.address === '10.232.0.1'));
  assert.ok(!(await kernel.links.listRoutes(y.at)).some((route) => route.device === name));
  // The same name in the host is another device; names are unique per namespace only.
  await ensure(kernel, { name, addresses: ['10.233.0.1/24'], mtu: 1500, alias: 'conet-net:host' });
  assert.deepEqual(await addressesOf(kernel, name), ['10.233.0.1/24']);
  assert.deepEqual(await addressesOf(kernel, name, x.at), ['10.232.0.1/24']);
  await kernel.links.deleteLink(name, x.at);
  assert.ok(!(await linkNames(kernel, x.at)).includes(name));
  assert.ok((await linkNames(kernel)).includes(name), 'deleting in one namespace leaves the other\'s');
  // And the other way: made in the host, absent from x.
  assert.ok(!(await linkNames(kernel, x.at)).includes(name));
  await assert.rejects(kernel.links.listLinks({ netns: kernel.sandboxes.path(world.name('missing')) }), 'a namespace that does not exist');
}

async function sysctls(world: World): Promise<void> {
  const { kernel } = world;
  const x = await world.sandbox('x');
  const y = await world.sandbox('y');
  assert.equal(await kernel.sysctl.read('net.ipv4.ip_forward', x.at), '0', 'a new namespace does not forward');
  await kernel.sysctl.write('net.ipv4.ip_forward', '1', x.at);
  assert.equal(await kernel.sysctl.read('net.ipv4.ip_forward', x.at), '1');
  assert.equal(await kernel.sysctl.read('net.ipv4.ip_forward', y.at), '0', 'per namespace');
  const host = await kernel.sysctl.read('net.ipv4.ip_forward');
  await kernel.sysctl.write('net.ipv4.ip_forward', host === '1' ? '0' : '1');
  assert.equal(await kernel.sysctl.read('net.ipv4.ip_forward', x.at), '1', 'a host write does not reach x');
  await kernel.sysctl.write('net.ipv4.ip_forward', host);
}

async function names(world: World, links: string[]): Promise<void> {
  const { kernel } = world;
  const long = `brn-${hex(6)}`; // 16 characters
  assert.equal(long.length, 16);
  await assert.rejects(ensure(kernel, { name: long, addresses: ['10.234.0.1/24'], mtu: 1500, alias: 'conet-net:n' }));
  assert.ok(!(await linkNames(kernel)).some((name) => name.startsWith(long.slice(0, 15))), 'nothing made');
  const longest = long.slice(0, 15);
  links.push(longest);
  await ensure(kernel, { name: longest, addresses: [], mtu: 1500, alias: 'conet-net:n' });
  assert.ok((await linkNames(kernel)).includes(longest), '15 characters are fine');
  // A veth whose name is taken by the bridge, and a bridge whose name is taken by a veth.
  const sandbox = world.adopt(world.name('n'));
  await assert.rejects(kernel.sandboxes.plugVeth(veth({ hostName: longest, bridge: longest, sandbox, createSandbox: true }, 2)));
  assert.equal((await kernel.links.listLinks()).find((link) => link.name === longest)?.kind, 'bridge', 'the bridge is untouched');
  const hostName = `vc${hex(4)}`;
  links.push(hostName);
  await kernel.sandboxes.plugVeth(veth({ hostName, bridge: longest, sandbox, createSandbox: !(await kernel.sandboxes.exists(sandbox)) }, 2));
  await assert.rejects(ensure(kernel, { name: hostName, addresses: [], mtu: 1500, alias: 'conet-net:n' }), (error: Error & { code?: string }) => error.code === 'kernel-conflict');
  await assert.rejects(kernel.sandboxes.plugVeth(veth({ hostName: `vc${hex(4)}`, bridge: longest, sandbox }, 3)), 'eth0 exists in the sandbox');
}

function veth(fields: Pick<Loose<VethSpec>, 'hostName' | 'bridge' | 'sandbox'> & Partial<Loose<VethSpec>>, host: number): VethSpec {
  return { ifname: 'eth0', mac: `02:42:0a:e8:00:0${host}`, mtu: 1500, addresses: [`10.232.0.${host}/24`], ...fields } as VethSpec;
}

export function kernelContract(label: string, harness: KernelHarness): void {
  const cases: Array<[string, (world: World, links: string[]) => Promise<void>]> = [
    ['a bridge is listed with its settings, addresses and connected route; ensuring it again converges', bridge],
    ['an object made in one namespace is seen there only, and the same name may exist in another', targeting],
    ['a bridge without our alias is used as it is and only deleteOwnedLink with its alias removes it', foreignBridge],
    ['sysctls are per namespace', sysctls],
    ['link names are unique per namespace and at most 15 characters', names],
    ...sandboxCases,
  ];
  for (const [name, body] of cases) {
    test(`${label} kernel contract: ${name}`, async () => {
      const world = new World(await harness.kernel(), harness.prefix);
      const links: string[] = [];
      try {
        await body(world, links);
      } finally {
        await world.cleanup(links);
      }
    });
  }
}

async function deletes(world: World, links: string[]): Promise<void> {
  const { kernel } = world;
  const x = await world.sandbox('x');
  const name = `brd-${hex(3)}`;
  links.push(name);
  await ensure(kernel, { name, addresses: [], mtu: 1500, alias: 'conet-net:d' }, x.at);
  await kernel.links.deleteLink(name, x.at);
  assert.ok(!(await linkNames(kernel, x.at)).includes(name));
  await kernel.links.deleteLink(name, x.at);
  await kernel.links.deleteLink(`nx-${hex(4)}`);
  await kernel.sandboxes.unplugVeth(`nx-${hex(4)}`);
  await kernel.firewall.deleteTable('inet', `conet_${hex(4)}`);
  await kernel.firewall.deleteTable('inet', `conet_${hex(4)}`, x.at);
}

async function sandboxLifecycle(world: World): Promise<void> {
  const { kernel } = world;
  const { name, at } = await world.sandbox('s');
  assert.equal(at.netns, kernel.sandboxes.path(name));
  assert.equal(await kernel.sandboxes.exists(name), true);
  assert.ok((await kernel.sandboxes.list()).includes(name));
  const lo = (await kernel.links.listLinks(at)).find((link) => link.name === 'lo');
  assert.equal(lo?.up, true, 'a new sandbox has its loopback up');
  assert.deepEqual(await linkNames(kernel, at), ['lo'], 'and nothing else');
  await assert.rejects(kernel.sandboxes.create(name), 'a name is taken once');
  await kernel.sandboxes.remove(name);
  assert.equal(await kernel.sandboxes.exists(name), false);
  assert.ok(!(await kernel.sandboxes.list()).includes(name));
  await kernel.sandboxes.remove(name);
  await assert.rejects(kernel.links.listLinks(at), 'a removed namespace can\'t be targeted');
}

async function plug(world: World, links: string[]): Promise<void> {
  const { kernel } = world;
  const bridgeName = `brp-${hex(3)}`;
  const hostName = `vp${hex(4)}`;
  links.push(bridgeName, hostName);
  await ensure(kernel, { name: bridgeName, addresses: ['10.232.0.1/24'], mtu: 1500, alias: 'conet-net:p' });
  const sandbox = world.adopt(world.name('p'));
  const at = { netns: kernel.sandboxes.path(sandbox) };
  await kernel.sandboxes.plugVeth(veth({ hostName, bridge: bridgeName, sandbox, createSandbox: true, gateway4: '10.232.0.1' }, 2));
  const hostEnd = (await kernel.links.listLinks()).find((link) => link.name === hostName);
  assert.equal(hostEnd?.kind, 'veth');
  assert.equal(hostEnd?.master, bridgeName, 'the host end is enslaved to the bridge');
  assert.equal(hostEnd?.up, true);
  assert.ok(!(await linkNames(kernel)).includes('eth0'), 'the sandbox side is not in the host');
  const eth0 = (await kernel.links.listLinks(at)).find((link) => link.name === 'eth0');
  assert.deepEqual([eth0?.kind, eth0?.mac, eth0?.mtu, eth0?.up], ['veth', '02:42:0a:e8:00:02', 1500, true]);
  assert.ok(!(await linkNames(kernel, at)).includes(hostName), 'the host end is not in the sandbox');
  assert.deepEqual(await addressesOf(kernel, 'eth0', at), ['10.232.0.2/24']);
  const routes = await kernel.links.listRoutes(at);
  assert.ok(routes.some((route) => route.destination === 'default' && route.gateway === '10.232.0.1' && route.device === 'eth0'), JSON.stringify(routes));
  await kernel.sandboxes.unplugVeth(hostName);
  assert.ok(!(await linkNames(kernel)).includes(hostName));
  assert.deepEqual(await linkNames(kernel, at), ['lo'], 'unplugging removes both ends');
  await kernel.sandboxes.unplugVeth(hostName);
}

async function enslaveNeedsBridge(world: World, links: string[]): Promise<void> {
  const { kernel } = world;
  const { name: sandbox, at } = await world.sandbox('e');
  const hostName = `ve${hex(4)}`;
  links.push(hostName);
  await assert.rejects(kernel.sandboxes.plugVeth(veth({ hostName, bridge: `brm-${hex(3)}`, sandbox }, 2)));
  assert.ok(!(await linkNames(kernel)).includes(hostName), 'no host end left behind');
  assert.deepEqual(await linkNames(kernel, at), ['lo'], 'no interface left in the sandbox');
}

async function removeTakesLinks(world: World, links: string[]): Promise<void> {
  const { kernel } = world;
  const bridgeName = `brr-${hex(3)}`;
  const hostName = `vr${hex(4)}`;
  links.push(bridgeName, hostName);
  await ensure(kernel, { name: bridgeName, addresses: ['10.232.0.1/24'], mtu: 1500, alias: 'conet-net:r' });
  const { name: sandbox, at } = await world.sandbox('r');
  await ensure(kernel, { name: 'br-inner', addresses: [], mtu: 1500, alias: 'conet-net:inner' }, at);
  await kernel.sandboxes.plugVeth(veth({ hostName, bridge: bridgeName, sandbox }, 2));
  assert.ok((await linkNames(kernel)).includes(hostName));
  await kernel.sandboxes.remove(sandbox);
  await eventually('the host end of the sandbox\'s veth is gone', async () => !(await linkNames(kernel)).includes(hostName));
  assert.ok((await linkNames(kernel)).includes(bridgeName), 'the bridge stays');
  assert.ok(!(await linkNames(kernel)).includes('br-inner'));
}

const sandboxCases: Array<[string, (world: World, links: string[]) => Promise<void>]> = [
  ['deleting a link (or table) that is already gone is success, in any namespace', deletes],
  ['a sandbox: created with lo up, listed, taken once, removed (again: success), then unreachable', sandboxLifecycle],
  ['plugVeth puts the host end on the bridge in the target namespace and the interface with its address, MAC and route in the sandbox; unplug removes both', plug],
  ['plugVeth to a missing bridge fails and leaves nothing behind', enslaveNeedsBridge],
  ['removing a sandbox takes its links and the host ends of their veth pairs', removeTakesLinks],
];
