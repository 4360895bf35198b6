/**
 * The network namespaces of the fake kernel, each with its own links, routes, sysctls and
 * firewall scripts, so a fake run notices a call aimed at the wrong namespace as the real kernel
 * would. Invariants kept as Linux keeps them: every namespace has `lo`; link names are unique per
 * namespace and at most 15 characters; a veth pair dies as a whole; deleting a namespace deletes
 * its links (and their veth peers elsewhere); targeting a namespace that does not exist fails.
 */
import ipaddr from 'ipaddr.js';
import { system } from '../../errors/index.js';
import type { LinkInfo, MacvlanSpec, NetnsTarget, RouteInfo, VethSpec } from '../ports.js';

/** Key of the daemon's own namespace (target undefined). */
export const HOST_NS = '';

export interface FakeLink extends LinkInfo {
  /** CIDRs with their host part, as configured. */
  addresses: string[];
  /** The other end of a veth pair. */
  peer?: { netns: string; name: string };
  /** What made a sandbox-side interface (for assertions). */
  veth?: VethSpec;
  macvlan?: MacvlanSpec;
}

export interface FakeNamespace {
  /** Namespace file path ('' for the host). */
  path: string;
  links: Map<string, FakeLink>;
  /** Routes besides the connected ones (default routes, routes a test adds). */
  routes: RouteInfo[];
  sysctls: Map<string, string>;
  scripts: string[];
}

export type NewLink = Pick<LinkInfo, 'name' | 'kind'> & Partial<Omit<FakeLink, 'name' | 'kind' | 'index'>>;

/** Linux's dev_valid_name(): 1..15 bytes, not "." or "..", no '/', ':' or whitespace. */
export function checkLinkName(name: string): void {
  if (name.length === 0 || name.length > 15 || name === '.' || name === '..' || /[/:\s]/.test(name)) {
    throw system('kernel-ip', `"${name}" is not a valid interface name`);
  }
}

export class FakeNamespaces {
  private readonly byPath = new Map<string, FakeNamespace>();
  private nextIndex = 2;

  constructor() {
    this.add(HOST_NS);
  }

  /** A new namespace with its loopback up; an existing path is an error. */
  add(path: string): FakeNamespace {
    if (this.byPath.has(path)) throw system('kernel-sandbox', `namespace ${path} exists`);
    const ns: FakeNamespace = { path, links: new Map(), routes: [], sysctls: new Map(), scripts: [] };
    ns.links.set('lo', { name: 'lo', index: 1, kind: '', up: true, mtu: 65536, mac: '00:00:00:00:00:00', alias: '', master: '', addresses: ['127.0.0.1/8', '::1/128'] });
    this.byPath.set(path, ns);
    return ns;
  }

  has(path: string): boolean {
    return this.byPath.has(path);
  }

  paths(): string[] {
    return [...this.byPath.keys()];
  }

  /** The namespace a call targets; one that does not exist fails as nsenter does. */
  at(target?: NetnsTarget): FakeNamespace {
    const path = target?.netns ?? HOST_NS;
    const ns = this.byPath.get(path);
    if (!ns) throw system('kernel-netns', `cannot open network namespace ${path}: No such file or directory`);
    return ns;
  }

  /** Deletes a namespace and every link in it; the far ends of its veth pairs go too. */
  remove(path: string): void {
    const ns = this.byPath.get(path);
    if (!ns || path === HOST_NS) return;
    for (const name of [...ns.links.keys()]) this.deleteLink(ns, name);
    this.byPath.delete(path);
  }

  addLink(ns: FakeNamespace, link: NewLink): FakeLink {
    checkLinkName(link.name);
    if (ns.links.has(link.name)) throw system('kernel-ip', `cannot create ${link.name}: File exists`);
    const made: FakeLink = { index: this.nextIndex++, up: true, mtu: 1500, mac: '', alias: '', master: '', addresses: [], ...link };
    ns.links.set(link.name, made);
    return made;
  }

  /** A veth pair, both names checked before either end exists. */
  addVethPair(ns: FakeNamespace, name: string, peerNs: FakeNamespace, peer: NewLink): { host: FakeLink; peer: FakeLink } {
    checkLinkName(name);
    checkLinkName(peer.name);
    if (ns.links.has(name) || peerNs.links.has(peer.name) || (ns === peerNs && name === peer.name)) {
      throw system('kernel-ip', `cannot create veth ${name}: File exists`);
    }
    const host = this.addLink(ns, { name, kind: 'veth', mtu: peer.mtu ?? 1500, peer: { netns: peerNs.path, name: peer.name } });
    const inside = this.addLink(peerNs, { ...peer, kind: 'veth', peer: { netns: ns.path, name } });
    return { host, peer: inside };
  }

  /** Deletes a link (and its veth peer, and the routes through it); a missing one is no error. */
  deleteLink(ns: FakeNamespace, name: string): void {
    const link = ns.links.get(name);
    if (!link || name === 'lo') return;
    ns.links.delete(name);
    ns.routes = ns.routes.filter((route) => route.device !== name);
    for (const other of ns.links.values()) if (other.master === name) other.master = '';
    if (link.peer) {
      const far = this.byPath.get(link.peer.netns);
      if (far?.links.get(link.peer.name)?.peer?.name === name) this.deleteLink(far, link.peer.name);
    }
  }

  /** Connected routes (the network of every address of an up link), then the others. */
  routesOf(ns: FakeNamespace): RouteInfo[] {
    const connected = [...ns.links.values()]
      .filter((link) => link.up && link.name !== 'lo')
      .flatMap((link) => link.addresses.map((cidr): RouteInfo => ({ destination: networkOf(cidr), device: link.name, gateway: '' })));
    return [...connected, ...ns.routes];
  }
}

/** "10.70.0.1/24" -> "10.70.0.0/24", as the kernel names a connected route. */
export function networkOf(cidr: string): string {
  const [address, prefix] = ipaddr.parseCIDR(cidr);
  const network = address.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(cidr) : ipaddr.IPv6.networkAddressFromCIDR(cidr);
  return `${network.toString()}/${prefix}`;
}
