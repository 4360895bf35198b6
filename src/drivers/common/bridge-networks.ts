/**
 * Bridge networks: one Linux bridge per network holding the gateway address(es), forwarding
 * and masquerade in our own nftables table. Devices carry an alias `conet-net:<id>` so that a
 * restarted daemon recognises what it owns and removes strays without touching anything else.
 */
import { forbidden } from '../../errors/index.js';
import { createLogger, type Logger } from '../../util/logger.js';
import { runUndo } from '../../util/undo.js';
import type { FirewallNetwork } from '../../firewall/intent.js';
import type { Kernel } from '../../kernel/ports.js';
import type { Endpoint, Network } from '../../model/network.js';
import type { NetworkDriver } from '../driver.js';
import { bridgeAddresses, splitSubnets } from './bridge-addresses.js';
import { decodeBridgeOptions, type BridgeOptions } from './bridge-options.js';
import { DecodedOptions } from './decoded-options.js';
import { endpointInterface } from './endpoint-interface.js';
import { parseInterfaceAddress, parseInterfaceName, parseMac } from '../../util/kernel-values.js';
import { failpoint } from '../../util/failpoint.js';

export const OWNER_ALIAS_PREFIX = 'conet-net:';

/** The firewall as the bridge driver needs it; implemented over the nft builder by the daemon. */
export interface BridgeFirewall {
  addNetwork(network: FirewallNetwork): Promise<void>;
  removeNetwork(network: FirewallNetwork): Promise<void>;
  /** Replaces all bridge networks in the table (start-up). */
  rebuild(networks: FirewallNetwork[]): Promise<void>;
  /** An endpoint's addresses left its bridge: flush the connection tracking of their flows. */
  forgetAddresses?(addresses: readonly string[]): Promise<void>;
}

export interface BridgeNetworksDeps {
  kernel: Kernel;
  firewall: BridgeFirewall;
  defaultMtu: number;
  /** Daemon `ip6-masq`: masquerade IPv6 subnets leaving the host (default true). */
  ip6Masquerade?: boolean;
  /** Ownership alias prefix of the bridges (default `conet-net:`; the overlay driver's inner bridges use their own). */
  aliasPrefix?: string;
  /** Driver name (default "bridge"; the overlay driver's inner instance is not registered). */
  name?: string;
  /** Rollback steps that fail (stderr at warn when absent). */
  logger?: Logger;
}

export class BridgeNetworks implements NetworkDriver {
  readonly name: string;
  readonly capabilities = { scope: 'local', multipleInstances: true, usesIpam: true } as const;
  private readonly aliasPrefix: string;
  /** Decoded when a network is validated (create) or restored; reused by every later step. */
  private readonly bridgeOptions: DecodedOptions<Network, BridgeOptions>;

  constructor(protected readonly deps: BridgeNetworksDeps) {
    this.name = deps.name ?? 'bridge';
    this.aliasPrefix = deps.aliasPrefix ?? OWNER_ALIAS_PREFIX;
    this.bridgeOptions = new DecodedOptions(
      (network) => decodeBridgeOptions(network, { mtu: deps.defaultMtu }),
      (network) => [network.options],
    );
  }

  validate(network: Network, existing: readonly Network[]): void {
    const { bridgeName } = this.bridgeOptions.of(network);
    for (const other of existing) {
      if (other.driver !== this.name || other.id === network.id) continue;
      if (this.bridgeOptions.of(other).bridgeName === bridgeName) {
        throw forbidden('bridge-name-in-use', `bridge name ${bridgeName} is already used by network ${other.name}`);
      }
    }
  }

  /** Creates the bridge and its firewall share if missing (idempotent; the overlay driver's lazy path). */
  async ensureNetwork(network: Network, extra: Partial<FirewallNetwork> = {}): Promise<void> {
    await this.ensureDevice(network);
    await this.deps.firewall.addNetwork({ ...this.firewallIntent(network), ...extra });
  }

  firewallIntent(network: Network): FirewallNetwork {
    const options = this.bridgeOptions.of(network);
    const { subnets4, subnets6 } = splitSubnets(network);
    return {
      id: network.id,
      bridge: options.bridgeName,
      subnets4,
      subnets6,
      masquerade: options.masquerade && !network.internal,
      ...(this.deps.ip6Masquerade === false ? { masquerade6: false } : {}),
      icc: options.icc,
      internal: network.internal,
      ...(options.routed4 ? { routed4: true } : {}),
    };
  }

  async createNetwork(network: Network): Promise<void> {
    await this.enableForwarding([network]);
    await this.makeDevice(network);
    try {
      failpoint('network.create.after-bridge');
      await this.deps.firewall.addNetwork(this.firewallIntent(network));
    } catch (error) {
      const { bridgeName } = this.bridgeOptions.of(network);
      await runUndo([{ name: `delete bridge ${bridgeName}`, run: () => this.deleteBridge(network) }], this.deps.logger ?? createLogger('warn'), { network: network.id });
      throw error;
    }
  }

  async deleteNetwork(network: Network): Promise<void> {
    const errors: unknown[] = [];
    const intent = this.firewallIntent(network);
    const removed = await this.deps.firewall.removeNetwork(intent).then(() => true, (error: unknown) => {
      errors.push(error);
      return false;
    });
    try {
      failpoint('network.rm.after-firewall');
    } catch (error) {
      const undo = removed ? [{ name: `re-add the firewall share of ${intent.bridge}`, run: () => this.deps.firewall.addNetwork(intent) }] : [];
      await runUndo(undo, this.deps.logger ?? createLogger('warn'), { network: network.id, action: 'remove' });
      throw error;
    }
    await this.deleteBridge(network).catch((error: unknown) => errors.push(error));
    if (errors.length > 0) throw errors[0];
  }

  /**
   * Only a bridge that carries our alias is deleted: one named by com.docker.network.bridge.name
   * that existed before (moby's ifaceCreatedByUser) never got it and stays, with its addresses.
   */
  private async deleteBridge(network: Network): Promise<void> {
    await this.deps.kernel.links.deleteOwnedLink(this.bridgeOptions.of(network).bridgeName, this.aliasOf(network));
  }

  private aliasOf(network: Pick<Network, 'id'>): string {
    return `${this.aliasPrefix}${network.id}`;
  }

  async restore(networks: readonly Network[]): Promise<void> {
    await this.enableForwarding(networks);
    const wanted = new Set(networks.map((network) => network.id));
    for (const link of await this.deps.kernel.links.listLinks()) {
      if (!link.alias.startsWith(this.aliasPrefix)) continue;
      if (!wanted.has(link.alias.slice(this.aliasPrefix.length))) await this.deps.kernel.links.deleteLink(link.name);
    }
    for (const network of networks) await this.makeDevice(network);
    await this.deps.firewall.rebuild(networks.map((network) => this.firewallIntent(network)));
  }

  async join(network: Network, endpoint: Endpoint, options: { createSandbox: boolean }): Promise<void> {
    const decoded = this.bridgeOptions.of(network);
    await this.deps.kernel.sandboxes.plugVeth({
      // An internal network has no way out, so no default route (Docker: S156).
      ...endpointInterface(endpoint, !network.internal),
      hostName: parseInterfaceName(endpoint.hostIfname),
      bridge: decoded.bridgeName,
      createSandbox: options.createSandbox,
      mtu: decoded.mtu,
      ...(decoded.icc ? {} : { isolated: true }),
    });
  }

  async leave(_network: Network, endpoint: Endpoint): Promise<void> {
    await this.deps.kernel.sandboxes.unplugVeth(endpoint.hostIfname);
  }

  async forgetEndpoint(_network: Network, endpoint: Endpoint): Promise<void> {
    await this.deps.firewall.forgetAddresses?.([endpoint.ipv4Address, endpoint.ipv6Address]);
  }

  ownedInterfaces(networks: readonly Network[]): string[] {
    return networks.map((network) => this.bridgeOptions.of(network).bridgeName);
  }

  /** Like ip_forward for v4, IPv6 forwarding is switched on once any network has IPv6 (Docker does the same). */
  private async enableForwarding(networks: readonly Network[]): Promise<void> {
    if (networks.length > 0) await this.deps.kernel.sysctl.write('net.ipv4.ip_forward', '1');
    if (networks.some((network) => splitSubnets(network).subnets6.length > 0)) {
      await this.deps.kernel.sysctl.write('net.ipv6.conf.all.forwarding', '1');
    }
  }

  /** The bridge device (and forwarding) only; the firewall share is the caller's (a rebuild follows). */
  async ensureDevice(network: Network): Promise<void> {
    await this.enableForwarding([network]);
    await this.makeDevice(network);
  }

  private async makeDevice(network: Network): Promise<void> {
    const options = this.bridgeOptions.of(network);
    await this.deps.kernel.links.ensureBridge({
      name: options.bridgeName,
      addresses: bridgeAddresses(network).map(parseInterfaceAddress),
      mtu: options.mtu,
      alias: this.aliasOf(network),
      // A fixed MAC, as Docker gives docker0: otherwise the bridge takes its ports' addresses
      // and its MAC changes as containers come and go.
      mac: parseMac(`02:42:${network.id.slice(0, 8).match(/../g)?.join(':')}`),
    });
  }
}
