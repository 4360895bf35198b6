/**
 * An in-memory kernel for unit tests of engine and drivers. It keeps per-namespace state and the
 * invariants the real one enforces (fake-namespaces.ts), passes the same contract as the Linux
 * adapters (kernel.contract.ts), and can be told to fail the next call of a kind, to exercise
 * rollback paths. linkMap, routes, scripts and sysctls are the host namespace's, for assertions.
 */
import { system } from '../../errors/index.js';
import type { AddressInfo, BridgeSpec, ConntrackFilter, FirewallPort, Kernel, LinkInfo, LinkPort, MacvlanPort, MacvlanSpec, NetnsTarget, ParentLinkSpec, RouteInfo, SandboxPort, SysctlPort, VethSpec } from '../ports.js';
import { checkLinkName, FakeNamespaces, type FakeLink, type FakeNamespace } from './fake-namespaces.js';

type FailPoint = 'ensureBridge' | 'deleteLink' | 'apply' | 'plugVeth' | 'plugMacvlan' | 'setDefaultRoute';

const NETNS_DIR = '/run/netns';
const sandboxPath = (name: string): string => `${NETNS_DIR}/${name}`;

function toAddress(link: string, cidr: string): AddressInfo {
  const [address = '', prefix = '0'] = cidr.split('/');
  return { link, family: address.includes(':') ? 'inet6' : 'inet', address, prefixLength: Number(prefix) };
}

export class FakeKernel implements Kernel {
  readonly namespaces = new FakeNamespaces();
  private readonly failures = new Set<FailPoint>();
  /** Link types this kernel lacks (as the test machine lacks vlan and dummy). */
  readonly unsupportedKinds = new Set<string>();

  failNext(point: FailPoint): void {
    this.failures.add(point);
  }

  private check(point: FailPoint): void {
    if (this.failures.delete(point)) throw system('fake-failure', `injected failure in ${point}`);
  }

  private get host(): FakeNamespace {
    return this.namespaces.at();
  }

  /** The host namespace's links by name. */
  get linkMap(): Map<string, FakeLink> {
    return this.host.links;
  }

  /** The host namespace's routes besides the connected ones (a test may push some). */
  get routes(): RouteInfo[] {
    return this.host.routes;
  }

  /** Firewall scripts applied in the host namespace, in order. */
  get scripts(): string[] {
    return this.host.scripts;
  }

  get sysctls(): Map<string, string> {
    return this.host.sysctls;
  }

  /** Sandbox name -> its veth interfaces' specs by host-side name (a view). */
  get sandboxMap(): Map<string, Map<string, VethSpec>> {
    return this.sandboxView((link) => (link.veth ? [link.veth.hostName, link.veth] : undefined));
  }

  /** Sandbox name -> its macvlan interfaces' specs by name (a view). */
  get macvlanMap(): Map<string, Map<string, MacvlanSpec>> {
    return this.sandboxView((link) => (link.macvlan ? [link.name, link.macvlan] : undefined));
  }

  private sandboxView<T>(pick: (link: FakeLink) => [string, T] | undefined): Map<string, Map<string, T>> {
    const view = new Map<string, Map<string, T>>();
    for (const path of this.namespaces.paths()) {
      if (!path.startsWith(`${NETNS_DIR}/`)) continue;
      const entries = [...this.namespaces.at({ netns: path }).links.values()].map(pick).filter((entry) => entry !== undefined);
      view.set(path.slice(NETNS_DIR.length + 1), new Map(entries));
    }
    return view;
  }

  /** Adds a plain link (a NIC or veth end) in the host namespace, e.g. a macvlan parent. */
  addLink(name: string, kind = 'veth'): void {
    this.namespaces.addLink(this.host, { name, kind });
  }

  readonly links: LinkPort = {
    listLinks: async (target?: NetnsTarget) =>
      [...this.namespaces.at(target).links.values()].map(({ addresses: _a, peer: _p, veth: _v, macvlan: _m, ...link }): LinkInfo => link),
    listAddresses: async (target?: NetnsTarget) =>
      [...this.namespaces.at(target).links.values()].flatMap((link) => link.addresses.map((cidr) => toAddress(link.name, cidr))),
    listRoutes: async (target?: NetnsTarget) => this.namespaces.routesOf(this.namespaces.at(target)),
    ensureBridge: async (spec: BridgeSpec, target?: NetnsTarget) => {
      this.check('ensureBridge');
      const ns = this.namespaces.at(target);
      const existing = ns.links.get(spec.name);
      if (existing && existing.kind !== 'bridge') throw system('kernel-conflict', `a ${existing.kind} device named ${spec.name} exists`);
      if (existing && existing.alias !== spec.alias) {
        // Someone else's bridge: used as it is, only missing addresses added (as LinuxLinks).
        existing.up = true;
        existing.addresses.push(...spec.addresses.filter((cidr) => !existing.addresses.includes(cidr)));
        return { owned: false };
      }
      const bridge = existing ?? this.namespaces.addLink(ns, { name: spec.name, kind: 'bridge', mac: '02:42:00:00:00:00' });
      Object.assign(bridge, { up: true, mtu: spec.mtu, alias: spec.alias, addresses: [...spec.addresses], ...(spec.mac ? { mac: spec.mac } : {}) });
      return { owned: true };
    },
    deleteLink: async (name: string, target?: NetnsTarget) => {
      this.check('deleteLink');
      this.namespaces.deleteLink(this.namespaces.at(target), name);
    },
    deleteOwnedLink: async (name: string, alias: string, target?: NetnsTarget) => {
      this.check('deleteLink');
      const ns = this.namespaces.at(target);
      if (ns.links.get(name)?.alias !== alias) return false;
      this.namespaces.deleteLink(ns, name);
      return true;
    },
  };

  readonly sandboxes: SandboxPort = {
    path: sandboxPath,
    create: async (name: string, target?: NetnsTarget) => {
      this.namespaces.at(target);
      checkSandboxName(name);
      this.namespaces.add(sandboxPath(name));
      return sandboxPath(name);
    },
    remove: async (name: string) => this.namespaces.remove(sandboxPath(name)),
    exists: async (name: string) => this.namespaces.has(sandboxPath(name)),
    list: async () => this.namespaces.paths().filter((path) => path.startsWith(`${NETNS_DIR}/`)).map((path) => path.slice(NETNS_DIR.length + 1)),
    plugVeth: (spec: VethSpec, target?: NetnsTarget) => this.plugVeth(spec, target),
    unplugVeth: async (hostName: string, target?: NetnsTarget) => this.namespaces.deleteLink(this.namespaces.at(target), hostName),
    setDefaultRoute: async (sandbox: string, family: 4 | 6, via?: { gateway: string; ifname: string }) => {
      this.check('setDefaultRoute');
      const ns = this.namespaces.at({ netns: sandboxPath(sandbox) });
      ns.routes = ns.routes.filter((route) => route.destination !== 'default' || route.gateway?.includes(':') !== (family === 6));
      if (via) ns.routes.push({ destination: 'default', device: via.ifname, gateway: via.gateway });
    },
  };

  private async plugVeth(spec: VethSpec, target?: NetnsTarget): Promise<void> {
    this.check('plugVeth');
    const ns = this.namespaces.at(target);
    if (ns.links.get(spec.bridge)?.kind !== 'bridge') throw system('kernel-sandbox', `create veth ${spec.hostName}: no bridge ${spec.bridge}`);
    checkLinkName(spec.hostName);
    checkLinkName(spec.ifname);
    if (ns.links.has(spec.hostName)) throw system('kernel-sandbox', `create veth ${spec.hostName}: File exists`);
    if (spec.createSandbox) await this.sandboxes.create(spec.sandbox, target);
    const sandbox = this.namespaces.has(sandboxPath(spec.sandbox)) ? this.namespaces.at({ netns: sandboxPath(spec.sandbox) }) : undefined;
    if (!sandbox) throw system('kernel-sandbox', `no namespace ${spec.sandbox}`);
    const pair = this.namespaces.addVethPair(ns, spec.hostName, sandbox, { name: spec.ifname, kind: 'veth', mac: spec.mac, mtu: spec.mtu, addresses: [...spec.addresses], veth: spec });
    pair.host.master = spec.bridge;
    for (const gateway of [spec.gateway4, spec.gateway6]) {
      if (gateway) sandbox.routes.push({ destination: 'default', device: spec.ifname, gateway });
    }
  }

  readonly macvlan: MacvlanPort = {
    plugMacvlan: (spec: MacvlanSpec, target?: NetnsTarget) => this.plugMacvlan(spec, target),
    unplugMacvlan: async (sandbox: string, ifname: string) => {
      if (this.namespaces.has(sandboxPath(sandbox))) this.namespaces.deleteLink(this.namespaces.at({ netns: sandboxPath(sandbox) }), ifname);
    },
    createParentLink: async (spec: ParentLinkSpec, target?: NetnsTarget) => {
      const ns = this.namespaces.at(target);
      if (this.unsupportedKinds.has(spec.kind)) throw system(`macvlan-${spec.kind}-link`, `failed to create ${spec.name} ${spec.kind} link: operation not supported`);
      if (spec.kind === 'vlan' && !ns.links.has(spec.link)) throw system('kernel-ip', `no link ${spec.link}`);
      this.namespaces.addLink(ns, { name: spec.name, kind: spec.kind, alias: spec.alias });
    },
  };

  private async plugMacvlan(spec: MacvlanSpec, target?: NetnsTarget): Promise<void> {
    this.check('plugMacvlan');
    const ns = this.namespaces.at(target);
    const parent = ns.links.get(spec.parent);
    if (!parent) throw system('macvlan-parent-missing', `failed to create the macvlan port: parent interface ${spec.parent} was not found on the host`);
    checkLinkName(spec.ifname);
    if (spec.createSandbox) await this.sandboxes.create(spec.sandbox, target);
    if (!this.namespaces.has(sandboxPath(spec.sandbox))) throw system('kernel-sandbox', `no namespace ${spec.sandbox}`);
    const sandbox = this.namespaces.at({ netns: sandboxPath(spec.sandbox) });
    this.namespaces.addLink(sandbox, { name: spec.ifname, kind: 'macvlan', mac: spec.mac, mtu: spec.mtu ?? parent.mtu, addresses: [...spec.addresses], macvlan: spec });
    if (spec.gateway4) sandbox.routes.push({ destination: 'default', device: spec.ifname, gateway: spec.gateway4 });
    if (spec.gateway6) sandbox.routes.push({ destination: 'default', device: spec.ifname, gateway: spec.gateway6 });
  }

  readonly firewall: FirewallPort = {
    apply: async (script: string, target?: NetnsTarget) => {
      this.check('apply');
      this.namespaces.at(target).scripts.push(script);
    },
    applyElements: async (script: string, target?: NetnsTarget) => {
      this.check('apply');
      this.namespaces.at(target).scripts.push(script);
    },
    deleteTable: async (_family: string, _name: string, target?: NetnsTarget) => {
      this.namespaces.at(target);
    },
    // A table exists once a script declared it, until a later script deleted it.
    tableExists: async (family: string, name: string, target?: NetnsTarget) => {
      const where = `${family} ${name}`;
      let exists = false;
      for (const script of this.namespaces.at(target).scripts) {
        for (const line of script.split('\n')) {
          if (line === `table ${where} {` || line === `add table ${where}`) exists = true;
          if (line === `delete table ${where}`) exists = false;
        }
      }
      return exists;
    },
    flushConntrack: async (filter: ConntrackFilter, target?: NetnsTarget) => {
      this.namespaces.at(target);
      this.conntrackFlushes.push(filter);
    },
  };

  /** Every conntrack flush asked for, in order. */
  readonly conntrackFlushes: ConntrackFilter[] = [];

  readonly sysctl: SysctlPort = {
    read: async (key: string, target?: NetnsTarget) => this.namespaces.at(target).sysctls.get(key) ?? '0',
    write: async (key: string, value: string, target?: NetnsTarget) => {
      this.namespaces.at(target).sysctls.set(key, value);
    },
  };
}

/** `ip netns add` refuses names with '/' and the "." entries. */
function checkSandboxName(name: string): void {
  if (name === '' || name === '.' || name === '..' || name.includes('/')) throw system('kernel-sandbox', `invalid namespace name ${name}`);
}

