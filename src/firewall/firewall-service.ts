/**
 * The firewall's state in the daemon: the networks and published ports our table holds, applied
 * as small transactions, and rebuilt whole (one atomic replace) at start-up or when the table
 * was deleted behind our back (heal). Shared by the bridge driver (networks) and the port
 * publisher (ports), which therefore never overwrite each other. Changes run one at a time, so a
 * heal never interleaves with a half-applied change.
 */
import type { FirewallPort } from '../kernel/ports.js';
import { SerialQueue } from '../util/queue.js';
import { endpointFlushes, publishFlushes, unpublishFlushes } from './conntrack-filters.js';
import type { FirewallNetwork, PortMapping } from './intent.js';
import { FAMILY, userTableName } from './names.js';
import { userTableScript } from './nft-guards.js';
import { addNetworkScript, removeNetworkScript } from './nft-network.js';
import { addPortsScript, removePortsScript } from './nft-ports.js';
import { buildRuleset } from './nft-ruleset.js';

export interface FirewallServiceOptions {
  /** Conntrack flushes are best effort: a failure is reported here and the change stands. */
  onFlushError?: (error: unknown) => void;
}

export class FirewallService {
  /** Networks by id, with the driver that owns them (each driver rebuilds only its own). */
  private readonly networks = new Map<string, { owner: string; network: FirewallNetwork }>();
  private readonly ports = new Map<string, PortMapping[]>();
  private readonly queue = new SerialQueue();

  constructor(
    private readonly port: FirewallPort,
    readonly table: string,
    private readonly options: FirewallServiceOptions = {},
  ) {}

  addNetwork(network: FirewallNetwork, owner = 'bridge'): Promise<void> {
    return this.queue.run(async () => {
      // One command per line: through the live nft session, so a network create spawns no nft.
      await this.port.applyElements(addNetworkScript(this.table, network));
      this.networks.set(network.id, { owner, network });
    });
  }

  removeNetwork(network: FirewallNetwork): Promise<void> {
    return this.queue.run(async () => {
      await this.port.applyElements(removeNetworkScript(this.table, network));
      this.networks.delete(network.id);
    });
  }

  /**
   * Replaces the whole table: these networks of `owner`, the other owners' networks as they are,
   * and the ports already known (see restorePorts) of all of them. Creates the users' table if
   * it is missing.
   */
  rebuild(networks: readonly FirewallNetwork[], owner = 'bridge'): Promise<void> {
    return this.queue.run(async () => {
      const next = new Map([...this.networks].filter(([, entry]) => entry.owner !== owner));
      for (const network of networks) next.set(network.id, { owner, network });
      await this.port.apply(this.ruleset([...next.values()].map((entry) => entry.network)));
      this.networks.clear();
      for (const [id, entry] of next) this.networks.set(id, entry);
      await this.ensureUserTable();
    });
  }

  /**
   * Self-heal: if our table is gone (`nft flush ruleset`, `nft delete table`), puts it back from
   * what this service holds, in one transaction; creates the users' table if that is gone.
   * Returns whether our table had to be rebuilt. The users' table is checked before it is
   * created (the user may have made it again meanwhile), ours is rebuilt whole either way.
   */
  heal(options: { tableGone?: boolean } = {}): Promise<boolean> {
    return this.queue.run(async () => {
      // Told gone (the monitor saw it deleted and not created again): one nft run, no listing first.
      const missing = options.tableGone === true || !(await this.port.tableExists(FAMILY, this.table));
      if (missing) await this.port.apply(this.ruleset([...this.networks.values()].map((entry) => entry.network)));
      await this.ensureUserTable();
      return missing;
    });
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
    await this.queue.run(async () => {
      await this.port.applyElements(addPortsScript(this.table, mappings));
      this.ports.set(owner, [...(this.ports.get(owner) ?? []), ...mappings]);
    });
    // UDP flows that hit this port before it was published are stuck un-NATed: let them go.
    await this.flush(publishFlushes(mappings));
  }

  async removePorts(owner: string): Promise<PortMapping[]> {
    const mappings = await this.queue.run(async () => {
      const owned = this.ports.get(owner) ?? [];
      if (owned.length > 0) await this.port.applyElements(removePortsScript(this.table, owned));
      this.ports.delete(owner);
      return owned;
    });
    // After the elements are gone, so a flow's next packet finds no DNAT.
    await this.flush(unpublishFlushes(mappings));
    return mappings;
  }

  /** A container's addresses left a network: no tracked flow may carry on to whoever gets them next. */
  forgetAddresses(addresses: readonly string[]): Promise<void> {
    return this.flush(endpointFlushes(addresses));
  }

  private ruleset(networks: FirewallNetwork[]): string {
    const known = new Set(networks.map((network) => network.id));
    const ports = [...this.ports.values()].flat().filter((mapping) => known.has(mapping.networkId));
    return buildRuleset({ table: this.table, networks, ports });
  }

  /** Created only when missing: conet never rewrites what users put there. */
  private async ensureUserTable(): Promise<void> {
    if (await this.port.tableExists(FAMILY, userTableName(this.table))) return;
    await this.port.apply(userTableScript(this.table));
  }

  private async flush(filters: ReturnType<typeof endpointFlushes>): Promise<void> {
    const results = await Promise.allSettled(filters.map((filter) => this.port.flushConntrack(filter)));
    for (const result of results) if (result.status === 'rejected') this.options.onFlushError?.(result.reason);
  }
}
