/**
 * The overlay driver (cluster mode). A network is one record in the cluster store; each node
 * makes its kernel objects when a container there first joins:
 * - a bridge `ov-<12 hex>` holding the gateway (the same address on every node: outbound traffic
 *   leaves through the container's own node, masqueraded; published ports work on that node),
 *   with the bridge driver's firewall share (isolation, masquerade, ports);
 * - vxlan mode: a VXLAN device `vx-<12 hex>` on that bridge (no learning, ARP answered from its
 *   neighbour table), whose FDB and neighbour entries are programmed statically from the store:
 *   every endpoint on another *live* node, behind that node's advertised address. Nothing is
 *   learned or flooded (flannel's scheme). A node whose lease expires disappears from the entries.
 * - host-gw mode: the node claims a slice of the subnet, its containers get addresses from it, and
 *   every node routes the other nodes' slices via their advertised addresses (no encapsulation;
 *   the nodes must share an L2 segment).
 * Every change in the store (peers coming and going, networks removed elsewhere, the node's last
 * container on a network leaving) schedules one sync that makes the kernel match; the sync runs
 * serially with joins.
 */
import { forbidden, system } from '../../errors/index.js';
import type { ClusterEndpoint, ClusterEvent, ClusterNode } from '../../cluster/cluster-store.js';
import { keys } from '../../cluster/keys.js';
import { firstUsableAddress, formatAddress, pickSubnet } from '../../ipam/index.js';
import type { Kernel, OverlayPort, PeerRoute, VxlanPeer } from '../../kernel/ports.js';
import type { Endpoint, IpamPoolConfig, Network } from '../../model/network.js';
import { SerialQueue } from '../../util/queue.js';
import { logError } from '../../util/log-error.js';
import { createLogger, type Logger } from '../../util/logger.js';
import { runUndo } from '../../util/undo.js';
import { BridgeNetworks, type BridgeFirewall } from '../common/bridge-networks.js';
import { BRIDGE_NAME, DRIVER_MTU } from '../common/bridge-options.js';
import { DecodedOptions } from '../common/decoded-options.js';
import type { NetworkDriver } from '../driver.js';
import { decodeOverlayOptions, nextFreeVni, VXLANID_LIST, type OverlayOptions } from './options.js';

export const OVERLAY_BRIDGE_ALIAS = 'conet-ov:';
export const OVERLAY_VXLAN_ALIAS = 'conet-ovx:';
/** IPv4 outer header 20 + UDP 8 + VXLAN 8 + inner Ethernet 14. */
export const VXLAN_OVERHEAD = 50;

/** What the driver reads from the cluster (ClusterState implements it). */
export interface OverlayCluster {
  readonly selfId: string;
  readonly self: ClusterNode;
  networks(): Network[];
  network(id: string): Network | undefined;
  endpointsOf(networkId: string): ClusterEndpoint[];
  node(id: string): ClusterNode | undefined;
  nodes(): ClusterNode[];
  slices(networkId: string): Array<{ nodeId: string; cidr: string }>;
  claimSlice(networkId: string, cidr: string): Promise<boolean>;
  onChange(listener: (events: readonly ClusterEvent[]) => void): () => void;
}

export interface OverlayDriverDeps {
  kernel: Kernel;
  overlay: OverlayPort;
  /** The shared firewall, as owner "overlay". */
  firewall: BridgeFirewall;
  cluster: OverlayCluster;
  /** UDP port of VXLAN traffic (`data-path-port`). */
  dataPathPort: number;
  onError?: (message: string, error: unknown) => void;
  /** Rollback and clean-up steps that fail (stderr at warn when absent). */
  logger?: Logger;
}

export const bridgeNameOf = (network: Pick<Network, 'id'>): string => `ov-${network.id.slice(0, 12)}`;
export const vxlanNameOf = (network: Pick<Network, 'id'>): string => `vx-${network.id.slice(0, 12)}`;

export class OverlayDriver implements NetworkDriver {
  readonly name = 'overlay';
  readonly capabilities = { scope: 'global', multipleInstances: true, usesIpam: true } as const;
  private readonly bridge: BridgeNetworks;
  private readonly logger: Logger;
  private readonly queue = new SerialQueue();
  /** Networks whose kernel objects exist on this node, with the view they were made from. */
  private readonly present = new Map<string, Network>();
  private underlayMtu: number | undefined;
  /** What was last made in the kernel, per VXLAN device and for the routes (skips no-op syncs). */
  private readonly applied = new Map<string, string>();
  private appliedRoutes: string | undefined;
  private syncScheduled = false;
  private unsubscribe: (() => void) | undefined;
  /** Decoded when a network is validated (create) or first met on this node; reused after that. */
  private readonly overlayOptions = new DecodedOptions<Network, OverlayOptions>(decodeOverlayOptions, (network) => [
    network.options,
    network.ipam,
    network.enableIPv6,
  ]);

  constructor(private readonly deps: OverlayDriverDeps) {
    this.logger = deps.logger ?? createLogger('warn');
    this.bridge = new BridgeNetworks({ kernel: deps.kernel, firewall: deps.firewall, defaultMtu: 1450, aliasPrefix: OVERLAY_BRIDGE_ALIAS, name: 'overlay-bridge', logger: this.logger });
  }

  /** Picks the VNI when none was given (written into the options, which inspect shows, as Docker). */
  validate(network: Network, existing: readonly Network[]): void {
    const options = this.overlayOptions.of(network);
    if (options.mode !== 'vxlan') return;
    const others = existing.filter((other) => other.driver === this.name && other.id !== network.id);
    const used = new Set(others.map((other) => this.overlayOptions.of(other).vni).filter((vni): vni is number => vni !== undefined));
    if (options.vni === undefined) {
      network.options = { ...network.options, [VXLANID_LIST]: String(nextFreeVni(used)) };
    } else if (used.has(options.vni)) {
      throw forbidden('overlay-vni-in-use', `vxlan id ${options.vni} is already used by another overlay network`);
    }
  }

  clusterClaims(network: Network): string[] {
    const { mode, vni } = this.overlayOptions.of(network);
    return mode === 'vxlan' && vni !== undefined ? [keys.vni(vni)] : [];
  }

  /** Nothing yet: each node makes the network's objects when a container there joins. */
  async createNetwork(): Promise<void> {}

  async deleteNetwork(network: Network): Promise<void> {
    await this.queue.run(() => this.removeLocal(network.id));
  }

  /**
   * Start-up: remove objects of networks that are gone, make those with containers on this node
   * again (bridge, VXLAN device, firewall share, entries, routes), and start following the store.
   */
  async restore(networks: readonly Network[]): Promise<void> {
    this.unsubscribe ??= this.deps.cluster.onChange((events) => this.onChange(events));
    await this.queue.run(async () => {
      const wanted = new Set(networks.map((network) => network.id));
      for (const link of await this.deps.kernel.links.listLinks()) {
        const owner = [OVERLAY_BRIDGE_ALIAS, OVERLAY_VXLAN_ALIAS].find((prefix) => link.alias.startsWith(prefix));
        if (owner && !wanted.has(link.alias.slice(owner.length))) await this.deps.kernel.links.deleteLink(link.name);
      }
      this.present.clear();
      this.applied.clear();
      this.appliedRoutes = undefined;
      const local = networks.filter((network) => this.hasLocalEndpoints(network.id));
      const views: Network[] = [];
      for (const network of local) {
        const view = await this.viewOf(network);
        await this.bridge.ensureDevice(view);
        views.push(view);
        this.present.set(network.id, view);
      }
      await this.deps.firewall.rebuild(local.map((network, index) => ({ ...this.bridge.firewallIntent(views[index] as Network), ...this.firewallExtra(network) })));
      await this.syncNow();
    });
  }

  async join(network: Network, endpoint: Endpoint, options: { createSandbox: boolean }): Promise<void> {
    const view = await this.queue.run(() => this.ensureLocal(network));
    await this.bridge.join(view, endpoint, options);
  }

  async leave(_network: Network, endpoint: Endpoint): Promise<void> {
    await this.deps.kernel.sandboxes.unplugVeth(endpoint.hostIfname);
  }

  forgetEndpoint(network: Network, endpoint: Endpoint): Promise<void> {
    return this.bridge.forgetEndpoint(network, endpoint);
  }

  ownedInterfaces(networks: readonly Network[]): string[] {
    return networks.map(bridgeNameOf);
  }

  /** vxlan: the network's own subnet; host-gw: this node's slice (claimed on first use). */
  async localIpamConfigs(network: Network): Promise<IpamPoolConfig[]> {
    const options = this.overlayOptions.of(network);
    if (options.mode === 'vxlan') return network.ipam.configs;
    return [sliceConfig(await this.ownSlice(network, options.hostPrefix))];
  }

  close(): void {
    this.unsubscribe?.();
  }

  private async ownSlice(network: Network, hostPrefix: number): Promise<string> {
    const subnet = network.ipam.configs[0]?.subnet;
    if (!subnet) throw system('overlay-no-subnet', `network ${network.name} has no IPv4 subnet`);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const slices = this.deps.cluster.slices(network.id);
      const mine = slices.find((slice) => slice.nodeId === this.deps.cluster.selfId);
      if (mine) return mine.cidr;
      const cidr = pickSubnet([{ base: subnet, size: hostPrefix }], { used: slices.map((slice) => slice.cidr) });
      if (await this.deps.cluster.claimSlice(network.id, cidr)) return cidr;
      await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
    }
    throw system('overlay-slice', `could not claim a slice of ${subnet} for this node`);
  }

  private hasLocalEndpoints(networkId: string): boolean {
    return this.deps.cluster.endpointsOf(networkId).some((endpoint) => endpoint.nodeId === this.deps.cluster.selfId);
  }

  private firewallExtra(network: Network): { peerSubnets4?: string[] } {
    const options = this.overlayOptions.of(network);
    const subnet = network.ipam.configs[0]?.subnet;
    return options.mode === 'host-gw' && subnet ? { peerSubnets4: [subnet] } : {};
  }

  /** The network as the inner bridge driver sees it on this node. */
  private async viewOf(network: Network): Promise<Network> {
    const options = this.overlayOptions.of(network);
    const mtu = options.mtu ?? (await this.underlay()) - (options.mode === 'vxlan' ? VXLAN_OVERHEAD : 0);
    const configs = options.mode === 'vxlan' ? network.ipam.configs : [sliceConfig(await this.ownSlice(network, options.hostPrefix))];
    return {
      ...network,
      ipam: { ...network.ipam, configs },
      options: { [BRIDGE_NAME]: bridgeNameOf(network), [DRIVER_MTU]: String(mtu) },
    };
  }

  private async underlay(): Promise<number> {
    this.underlayMtu ??= (await this.deps.overlay.underlayOf(this.deps.cluster.self.address)).mtu;
    return this.underlayMtu;
  }

  private async ensureLocal(network: Network): Promise<Network> {
    const known = this.present.get(network.id);
    if (known) return known;
    const view = await this.viewOf(network);
    await this.bridge.ensureNetwork(view, this.firewallExtra(network));
    this.present.set(network.id, view);
    try {
      await this.syncNetwork(network, view);
      await this.syncRoutes();
    } catch (error) {
      this.present.delete(network.id);
      await runUndo([{ name: `remove the local objects of network ${network.name}`, run: () => this.removeObjects(network.id, view) }], this.logger, { network: network.id });
      throw error;
    }
    return view;
  }

  private async syncNetwork(network: Network, view: Network): Promise<void> {
    const options = this.overlayOptions.of(network);
    if (options.mode !== 'vxlan' || options.vni === undefined) return;
    const device = vxlanNameOf(network);
    const spec = {
      name: device,
      vni: options.vni,
      local: this.deps.cluster.self.address,
      port: this.deps.dataPathPort,
      mtu: Number(view.options[DRIVER_MTU]),
      master: bridgeNameOf(network),
      alias: `${OVERLAY_VXLAN_ALIAS}${network.id}`,
    };
    const peers = this.peersOf(network.id);
    // Most store events change nothing for a given network: then no process is spawned.
    const state = JSON.stringify([spec, peers]);
    if (this.applied.get(device) === state) return;
    this.applied.delete(device);
    await this.deps.overlay.ensureVxlan(spec);
    await this.deps.overlay.setPeers(device, peers);
    this.applied.set(device, state);
  }

  /**
   * Endpoints on other live nodes. A MAC already behind another VTEP, or an address already with
   * another MAC, is left out (the first, in key order, wins): the kernel takes one of each, and
   * one conflicting record must not stop the network's other entries.
   */
  private peersOf(networkId: string): VxlanPeer[] {
    const peers: VxlanPeer[] = [];
    const vtepOf = new Map<string, string>();
    const macOf = new Map<string, string>();
    for (const endpoint of this.deps.cluster.endpointsOf(networkId)) {
      if (endpoint.nodeId === this.deps.cluster.selfId || !endpoint.ipv4Address) continue;
      const node = this.deps.cluster.node(endpoint.nodeId);
      if (!node) continue;
      const peer = { mac: endpoint.macAddress.toLowerCase(), address: endpoint.ipv4Address.split('/')[0] ?? '', vtep: node.address };
      if ((vtepOf.get(peer.mac) ?? peer.vtep) !== peer.vtep || (macOf.get(peer.address) ?? peer.mac) !== peer.mac) {
        this.logger.warn('overlay: skipped a conflicting peer', { network: networkId, endpoint: endpoint.id, mac: peer.mac, address: peer.address });
        continue;
      }
      vtepOf.set(peer.mac, peer.vtep);
      macOf.set(peer.address, peer.mac);
      peers.push(peer);
    }
    return peers;
  }

  /** Routes to the other live nodes' slices of every routed network present here. */
  private async syncRoutes(): Promise<void> {
    const routes: PeerRoute[] = [];
    for (const id of this.present.keys()) {
      const network = this.deps.cluster.network(id);
      if (!network || this.overlayOptions.of(network).mode !== 'host-gw') continue;
      for (const slice of this.deps.cluster.slices(network.id)) {
        if (slice.nodeId === this.deps.cluster.selfId) continue;
        const node = this.deps.cluster.node(slice.nodeId);
        if (node) routes.push({ destination: slice.cidr, via: node.address });
      }
    }
    const state = JSON.stringify(routes);
    if (this.appliedRoutes === state) return;
    this.appliedRoutes = undefined;
    await this.deps.overlay.setPeerRoutes(routes);
    this.appliedRoutes = state;
  }

  private onChange(events: readonly ClusterEvent[]): void {
    const relevant = events.some((event) => /^(networks|endpoints|nodes|slices)\//.test(event.key));
    if (!relevant || this.syncScheduled) return;
    this.syncScheduled = true;
    setTimeout(() => {
      this.syncScheduled = false;
      this.queue.run(() => this.syncNow()).catch((error: unknown) => this.deps.onError?.('overlay sync', error));
    }, 20);
  }

  /**
   * Makes this node's overlay objects match the store. A network removed, or without containers
   * on this node any more, loses its objects here (Docker removes an overlay's sandbox with its
   * last local container too); the next container to join makes them again.
   */
  private async syncNow(): Promise<void> {
    for (const id of [...this.present.keys()]) {
      const network = this.deps.cluster.network(id);
      if (!network || !this.hasLocalEndpoints(id)) await this.removeLocal(id);
    }
    // Each network on its own: one that fails (a record the kernel refuses) never stops the others.
    const failures: unknown[] = [];
    for (const [id, view] of this.present) {
      const network = this.deps.cluster.network(id);
      if (network) await this.syncNetwork(network, view).catch((error: unknown) => failures.push(error));
    }
    await this.syncRoutes();
    if (failures.length > 0) throw failures[0];
  }

  private async removeLocal(networkId: string): Promise<void> {
    const view = this.present.get(networkId);
    this.present.delete(networkId);
    if (view) await this.removeObjects(networkId, view);
    else {
      this.applied.delete(vxlanNameOf({ id: networkId }));
      // Not made by this process (e.g. left by a crash before restore): delete by name, but only
      // devices that carry our alias for this network (never someone else's of that name).
      await this.deps.kernel.links.deleteOwnedLink(vxlanNameOf({ id: networkId }), `${OVERLAY_VXLAN_ALIAS}${networkId}`).catch(logError(this.logger, 'warn', 'deleting a leftover vxlan device', { network: networkId }));
      await this.deps.kernel.links.deleteOwnedLink(bridgeNameOf({ id: networkId }), `${OVERLAY_BRIDGE_ALIAS}${networkId}`).catch(logError(this.logger, 'warn', 'deleting a leftover overlay bridge', { network: networkId }));
    }
    await this.syncRoutes();
  }

  private async removeObjects(networkId: string, view: Network): Promise<void> {
    this.applied.delete(vxlanNameOf({ id: networkId }));
    await this.deps.kernel.links.deleteOwnedLink(vxlanNameOf({ id: networkId }), `${OVERLAY_VXLAN_ALIAS}${networkId}`).catch(logError(this.logger, 'warn', 'deleting the vxlan device', { network: networkId }));
    await this.bridge.deleteNetwork(view);
  }
}

function sliceConfig(cidr: string): IpamPoolConfig {
  return { subnet: cidr, gateway: formatAddress(firstUsableAddress(cidr)) };
}
