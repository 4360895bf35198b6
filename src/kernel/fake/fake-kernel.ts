/**
 * An in-memory kernel for unit tests of engine and drivers. It keeps the invariants the real one
 * enforces (unique names, 15-character names, a link before its addresses, idempotent removal)
 * and can be told to fail the next call of a kind, to exercise rollback paths.
 */
import { system } from '../../errors/index.js';
import type { AddressInfo, BridgeSpec, FirewallPort, Kernel, LinkInfo, LinkPort, MacvlanPort, MacvlanSpec, ParentLinkSpec, RouteInfo, SandboxPort, SysctlPort, VethSpec } from '../ports.js';

type FailPoint = 'ensureBridge' | 'deleteLink' | 'apply' | 'plugVeth' | 'plugMacvlan';

export class FakeKernel implements Kernel {
  readonly linkMap = new Map<string, LinkInfo & { addresses: string[] }>();
  readonly routes: RouteInfo[] = [];
  readonly scripts: string[] = [];
  readonly sysctls = new Map<string, string>();
  private readonly failures = new Set<FailPoint>();
  private nextIndex = 2;

  failNext(point: FailPoint): void {
    this.failures.add(point);
  }

  private check(point: FailPoint): void {
    if (this.failures.delete(point)) throw system('fake-failure', `injected failure in ${point}`);
  }

  readonly links: LinkPort = {
    listLinks: async () => [...this.linkMap.values()].map(({ addresses: _addresses, ...link }) => link),
    listAddresses: async () =>
      [...this.linkMap.values()].flatMap((link) =>
        link.addresses.map((cidr): AddressInfo => {
          const [address = '', prefix = '0'] = cidr.split('/');
          return { link: link.name, family: address.includes(':') ? 'inet6' : 'inet', address, prefixLength: Number(prefix) };
        }),
      ),
    listRoutes: async () => [
      ...this.routes,
      ...[...this.linkMap.values()].flatMap((link) => link.addresses.map((cidr) => ({ destination: cidr, device: link.name, gateway: '' }))),
    ],
    ensureBridge: async (spec: BridgeSpec) => {
      this.check('ensureBridge');
      if (spec.name.length > 15) throw system('kernel-ip', `invalid interface name ${spec.name}`);
      const existing = this.linkMap.get(spec.name);
      if (existing && existing.kind !== 'bridge') throw system('kernel-conflict', `a ${existing.kind} device named ${spec.name} exists`);
      this.linkMap.set(spec.name, {
        name: spec.name,
        index: existing?.index ?? this.nextIndex++,
        kind: 'bridge',
        up: true,
        mtu: spec.mtu,
        mac: existing?.mac ?? '02:42:00:00:00:00',
        alias: spec.alias,
        master: '',
        addresses: [...spec.addresses],
      });
    },
    deleteLink: async (name: string) => {
      this.check('deleteLink');
      this.linkMap.delete(name);
    },
  };

  /** Sandbox name -> its interfaces (veth peers by host name). */
  readonly sandboxMap = new Map<string, Map<string, VethSpec>>();

  readonly sandboxes: SandboxPort = {
    path: (name: string) => `/run/netns/${name}`,
    create: async (name: string) => {
      if (this.sandboxMap.has(name)) throw system('kernel-sandbox', `namespace ${name} exists`);
      this.sandboxMap.set(name, new Map());
      return `/run/netns/${name}`;
    },
    remove: async (name: string) => {
      this.sandboxMap.delete(name);
    },
    exists: async (name: string) => this.sandboxMap.has(name),
    list: async () => [...this.sandboxMap.keys()],
    plugVeth: async (spec: VethSpec) => {
      this.check('plugVeth');
      if (spec.createSandbox) await this.sandboxes.create(spec.sandbox);
      const sandbox = this.sandboxMap.get(spec.sandbox);
      if (!sandbox) throw system('kernel-sandbox', `no namespace ${spec.sandbox}`);
      if (!this.linkMap.has(spec.bridge)) throw system('kernel-sandbox', `no bridge ${spec.bridge}`);
      if (this.linkMap.has(spec.hostName) || spec.hostName.length > 15) throw system('kernel-sandbox', `bad veth name ${spec.hostName}`);
      if ([...sandbox.values()].some((other) => other.ifname === spec.ifname)) throw system('kernel-sandbox', `${spec.ifname} exists`);
      sandbox.set(spec.hostName, spec);
      this.linkMap.set(spec.hostName, { name: spec.hostName, index: this.nextIndex++, kind: 'veth', up: true, mtu: spec.mtu, mac: '', alias: '', master: spec.bridge, addresses: [] });
    },
    unplugVeth: async (hostName: string) => {
      this.linkMap.delete(hostName);
      for (const sandbox of this.sandboxMap.values()) sandbox.delete(hostName);
    },
  };

  /** Sandbox name -> macvlan interfaces by name. */
  readonly macvlanMap = new Map<string, Map<string, MacvlanSpec>>();
  /** Link types this kernel lacks (as the test machine lacks vlan and dummy). */
  readonly unsupportedKinds = new Set<string>();

  readonly macvlan: MacvlanPort = {
    plugMacvlan: async (spec: MacvlanSpec) => {
      this.check('plugMacvlan');
      if (!this.linkMap.has(spec.parent)) throw system('macvlan-parent-missing', `failed to create the macvlan port: parent interface ${spec.parent} was not found on the host`);
      if (spec.createSandbox) await this.sandboxes.create(spec.sandbox);
      const sandbox = this.sandboxMap.get(spec.sandbox);
      if (!sandbox) throw system('kernel-sandbox', `no namespace ${spec.sandbox}`);
      const interfaces = this.macvlanMap.get(spec.sandbox) ?? new Map<string, MacvlanSpec>();
      if (interfaces.has(spec.ifname) || [...sandbox.values()].some((other) => other.ifname === spec.ifname)) throw system('kernel-sandbox', `${spec.ifname} exists`);
      interfaces.set(spec.ifname, spec);
      this.macvlanMap.set(spec.sandbox, interfaces);
    },
    unplugMacvlan: async (sandbox: string, ifname: string) => {
      this.macvlanMap.get(sandbox)?.delete(ifname);
    },
    createParentLink: async (spec: ParentLinkSpec) => {
      if (this.unsupportedKinds.has(spec.kind)) throw system(`macvlan-${spec.kind}-link`, `failed to create ${spec.name} ${spec.kind} link: operation not supported`);
      if (spec.name.length > 15 || this.linkMap.has(spec.name)) throw system('kernel-ip', `bad link name ${spec.name}`);
      if (spec.kind === 'vlan' && !this.linkMap.has(spec.link)) throw system('kernel-ip', `no link ${spec.link}`);
      this.linkMap.set(spec.name, { name: spec.name, index: this.nextIndex++, kind: spec.kind, up: true, mtu: 1500, mac: '', alias: spec.alias, master: '', addresses: [] });
    },
  };

  /** Adds a plain link (a NIC or veth end) in the host namespace, e.g. a macvlan parent. */
  addLink(name: string, kind = 'veth'): void {
    this.linkMap.set(name, { name, index: this.nextIndex++, kind, up: true, mtu: 1500, mac: '', alias: '', master: '', addresses: [] });
  }

  readonly firewall: FirewallPort = {
    apply: async (script: string) => {
      this.check('apply');
      this.scripts.push(script);
    },
    applyElements: async (script: string) => {
      this.check('apply');
      this.scripts.push(script);
    },
    deleteTable: async () => undefined,
  };

  readonly sysctl: SysctlPort = {
    read: async (key: string) => this.sysctls.get(key) ?? '0',
    write: async (key: string, value: string) => {
      this.sysctls.set(key, value);
    },
  };
}
