/**
 * The firewall's state in the daemon: the networks and published ports our table holds, applied
 * as small transactions, and rebuilt whole (one atomic replace) at start-up. Shared by the bridge
 * driver (networks) and the port publisher (ports), which therefore never overwrite each other.
 */
import type { FirewallPort } from '../kernel/ports.js';
import type { FirewallNetwork, PortMapping } from './intent.js';
import { addNetworkScript, removeNetworkScript } from './nft-network.js';
import { addPortsScript, removePortsScript } from './nft-ports.js';
import { buildRuleset } from './nft-ruleset.js';

export class FirewallService {
  /** Networks by id, with the driver that owns them (each driver rebuilds only its own). */
  private readonly networks = new Map<string, { owner: string; network: FirewallNetwork }>();
  private readonly ports = new Map<string, PortMapping[]>();

  constructor(
    private readonly port: FirewallPort,
    readonly table: string,
  ) {}

  async addNetwork(network: FirewallNetwork, owner = 'bridge'): Promise<void> {
    await this.port.apply(addNetworkScript(this.table, network));
    this.networks.set(network.id, { owner, network });
  }

  async removeNetwork(network: FirewallNetwork): Promise<void> {
    await this.port.apply(removeNetworkScript(this.table, network));
    this.networks.delete(network.id);
  }

  /**
   * Replaces the whole table: these networks of `owner`, the other owners' networks as they are,
   * and the ports already known (see restorePorts) of all of them.
   */
  async rebuild(networks: readonly FirewallNetwork[], owner = 'bridge'): Promise<void> {
    const next = new Map([...this.networks].filter(([, entry]) => entry.owner !== owner));
    for (const network of networks) next.set(network.id, { owner, network });
    const all = [...next.values()].map((entry) => entry.network);
    const known = new Set(all.map((network) => network.id));
    const ports = [...this.ports.values()].flat().filter((mapping) => known.has(mapping.networkId));
    await this.port.apply(buildRuleset({ table: this.table, networks: all, ports }));
    this.networks.clear();
    for (const [id, entry] of next) this.networks.set(id, entry);
  }

  /** What the table holds now (networks by id, ports by owner), sorted: for crash and rollback checks. */
  snapshot(): { networks: FirewallNetwork[]; ports: Array<[string, PortMapping[]]> } {
    const networks = [...this.networks.values()].map((entry) => entry.network).sort((a, b) => a.id.localeCompare(b.id));
    const ports = [...this.ports.entries()].filter(([, mappings]) => mappings.length > 0).sort(([a], [b]) => a.localeCompare(b));
    return { networks, ports };
  }

  /** Whether the table has this network (the overlay driver adds its networks lazily). */
  hasNetwork(id: string): boolean {
    return this.networks.has(id);
  }

  /** Start-up: ports of containers that kept running, to be included by the next rebuild. */
  restorePorts(owner: string, mappings: PortMapping[]): void {
    this.ports.set(owner, mappings);
  }

  async addPorts(owner: string, mappings: PortMapping[]): Promise<void> {
    if (mappings.length === 0) return;
    await this.port.applyElements(addPortsScript(this.table, mappings));
    this.ports.set(owner, [...(this.ports.get(owner) ?? []), ...mappings]);
  }

  async removePorts(owner: string): Promise<PortMapping[]> {
    const mappings = this.ports.get(owner) ?? [];
    if (mappings.length > 0) await this.port.applyElements(removePortsScript(this.table, mappings));
    this.ports.delete(owner);
    return mappings;
  }
}
