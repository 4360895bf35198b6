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
  private readonly networks = new Map<string, FirewallNetwork>();
  private readonly ports = new Map<string, PortMapping[]>();

  constructor(
    private readonly port: FirewallPort,
    readonly table: string,
  ) {}

  async addNetwork(network: FirewallNetwork): Promise<void> {
    await this.port.apply(addNetworkScript(this.table, network));
    this.networks.set(network.id, network);
  }

  async removeNetwork(network: FirewallNetwork): Promise<void> {
    await this.port.apply(removeNetworkScript(this.table, network));
    this.networks.delete(network.id);
  }

  /** Replaces the whole table: these networks plus the ports already known (see restorePorts). */
  async rebuild(networks: readonly FirewallNetwork[]): Promise<void> {
    const known = new Set(networks.map((network) => network.id));
    const ports = [...this.ports.values()].flat().filter((mapping) => known.has(mapping.networkId));
    await this.port.apply(buildRuleset({ table: this.table, networks: [...networks], ports }));
    this.networks.clear();
    for (const network of networks) this.networks.set(network.id, network);
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
