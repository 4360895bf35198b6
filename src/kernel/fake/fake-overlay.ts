/**
 * An in-memory OverlayPort for unit tests of the overlay driver. It keeps what the real adapter
 * keeps (devices with their identity, the exact peer set per device, conet's routes per
 * namespace), validates input with the same pure checks, and can be told to fail the next call of
 * a kind, to exercise rollback paths.
 *
 * Given a FakeKernel, host-namespace devices also appear in its links (kind "vxlan", with alias
 * and master, so listLinks/deleteLink see them), their master must be an existing bridge there,
 * and underlayOf also finds the kernel's addresses.
 */
import { system } from '../../errors/index.js';
import type { NetnsTarget, OverlayPort, PeerRoute, VxlanPeer, VxlanSpec } from '../ports.js';
import { checkDeviceName, checkVxlanSpec, normalizeAddress, wantedEntries, wantedRoutes } from '../linux/overlay-entries.js';
import type { FakeKernel } from './fake-kernel.js';

type FailPoint = 'ensureVxlan' | 'setPeers' | 'setPeerRoutes' | 'underlayOf';

/** Namespace key: '' is the daemon's own namespace. */
const nsOf = (target?: NetnsTarget): string => target?.netns ?? '';
const keyOf = (name: string, target?: NetnsTarget): string => `${nsOf(target)}#${name}`;

export interface FakeVxlan {
  spec: VxlanSpec;
  netns: string;
  /** How many times it was (re)created; an idempotent ensureVxlan leaves it alone. */
  created: number;
}

export class FakeOverlay implements OverlayPort {
  /** `${netns}#${name}` -> device ('' for the daemon's namespace: use device(name)). */
  readonly deviceMap = new Map<string, FakeVxlan>();
  /** `${netns}#${name}` -> the peers last set, normalized. */
  readonly peerMap = new Map<string, VxlanPeer[]>();
  /** netns ('' for the daemon's own) -> conet's routes. */
  readonly routeMap = new Map<string, PeerRoute[]>();
  /** address -> underlay link, for underlayOf (see addUnderlay). */
  readonly underlays = new Map<string, { device: string; mtu: number }>();
  /** Every successful call, e.g. "ensureVxlan vx-1", "setPeers vx-1 2", "setPeerRoutes 1". */
  readonly calls: string[] = [];
  private readonly failures = new Set<FailPoint>();
  private nextIndex = 1000;

  constructor(private readonly kernel?: FakeKernel) {}

  failNext(point: FailPoint): void {
    this.failures.add(point);
  }

  private check(point: FailPoint): void {
    if (this.failures.delete(point)) throw system('fake-failure', `injected failure in ${point}`);
  }

  /** A device as the kernel would show it now (one deleted through FakeKernel.links is gone). */
  device(name: string, target?: NetnsTarget): FakeVxlan | undefined {
    const key = keyOf(name, target);
    const device = this.deviceMap.get(key);
    if (device && this.kernel && device.netns === '' && this.kernel.linkMap.get(name)?.kind !== 'vxlan') {
      this.deviceMap.delete(key);
      this.peerMap.delete(key);
      return undefined;
    }
    return device;
  }

  peers(name: string, target?: NetnsTarget): VxlanPeer[] {
    return this.device(name, target) ? [...(this.peerMap.get(keyOf(name, target)) ?? [])] : [];
  }

  routes(target?: NetnsTarget): PeerRoute[] {
    return [...(this.routeMap.get(nsOf(target)) ?? [])];
  }

  /** Makes underlayOf(address) find `device`. */
  addUnderlay(address: string, device: string, mtu = 1500): void {
    this.underlays.set(normalizeAddress(address), { device, mtu });
  }

  async ensureVxlan(spec: VxlanSpec, target?: NetnsTarget): Promise<void> {
    this.check('ensureVxlan');
    checkVxlanSpec(spec);
    const netns = nsOf(target);
    const local = normalizeAddress(spec.local);
    if (this.kernel && netns === '') {
      const link = this.kernel.linkMap.get(spec.name);
      if (link && link.kind !== 'vxlan') throw system('kernel-conflict', `cannot create VXLAN device ${spec.name}: a ${link.kind} device with that name exists`);
      if (this.kernel.linkMap.get(spec.master)?.kind !== 'bridge') throw system('overlay-vxlan', `create VXLAN device ${spec.name}: no bridge ${spec.master}`);
    }
    const existing = this.device(spec.name, target);
    if (existing && existing.spec.alias !== spec.alias && !(existing.spec.vni === spec.vni && existing.spec.port === spec.port && normalizeAddress(existing.spec.local) === local)) {
      throw system('kernel-conflict', `cannot create VXLAN device ${spec.name}: a device with that name exists and is not conet's`);
    }
    const same = existing && existing.spec.vni === spec.vni && existing.spec.port === spec.port && normalizeAddress(existing.spec.local) === local;
    for (const other of [...this.deviceMap.values()]) {
      if (other.netns !== netns || other.spec.name === spec.name || !this.device(other.spec.name, target)) continue;
      if (other.spec.vni === spec.vni && other.spec.port === spec.port) {
        throw system('overlay-vxlan', `create VXLAN device ${spec.name}: A VXLAN device with the specified VNI already exists (${other.spec.name})`);
      }
    }
    const key = keyOf(spec.name, target);
    if (!same) this.peerMap.delete(key); // a recreated device starts without entries
    this.deviceMap.set(key, { spec: { ...spec }, netns, created: (existing?.created ?? 0) + (same ? 0 : 1) });
    if (this.kernel && netns === '') {
      const link = this.kernel.linkMap.get(spec.name);
      this.kernel.linkMap.set(spec.name, {
        name: spec.name,
        index: same && link ? link.index : this.nextIndex++,
        kind: 'vxlan',
        up: true,
        mtu: spec.mtu,
        mac: link?.mac ?? '02:42:00:00:00:01',
        alias: spec.alias,
        master: spec.master,
        addresses: [],
      });
    }
    this.calls.push(`ensureVxlan ${spec.name}`);
  }

  async setPeers(device: string, peers: readonly VxlanPeer[], target?: NetnsTarget): Promise<void> {
    this.check('setPeers');
    checkDeviceName(device);
    wantedEntries(peers);
    if (!this.device(device, target)) throw system('overlay-device-missing', `VXLAN device ${device} does not exist`);
    this.peerMap.set(
      keyOf(device, target),
      peers.map((peer) => ({ mac: peer.mac.toLowerCase(), address: normalizeAddress(peer.address), vtep: normalizeAddress(peer.vtep) })),
    );
    this.calls.push(`setPeers ${device} ${peers.length}`);
  }

  async setPeerRoutes(routes: readonly PeerRoute[], target?: NetnsTarget): Promise<void> {
    this.check('setPeerRoutes');
    const wanted = wantedRoutes(routes);
    this.routeMap.set(nsOf(target), [...wanted].map(([destination, via]) => ({ destination, via })));
    this.calls.push(`setPeerRoutes ${wanted.size}`);
  }

  async underlayOf(address: string, target?: NetnsTarget): Promise<{ device: string; mtu: number }> {
    this.check('underlayOf');
    const wanted = normalizeAddress(address);
    const known = this.underlays.get(wanted);
    if (known) return { ...known };
    if (this.kernel && nsOf(target) === '') {
      for (const link of this.kernel.linkMap.values()) {
        if (link.addresses.some((cidr) => cidr.split('/')[0] === wanted)) return { device: link.name, mtu: link.mtu };
      }
    }
    throw system('overlay-underlay-missing', `no interface has the address ${address} (the cluster advertise address must be assigned to a local interface)`);
  }
}
