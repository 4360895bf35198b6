/**
 * The macvlan driver: containers sit directly on the parent's L2 segment, each with a macvlan
 * interface of its own MAC (Docker's 02:42 + IPv4). No bridge, no gateway address on the host,
 * no nft rules: the LAN's router is the gateway. The kernel keeps a macvlan's traffic away from
 * its parent, so the host itself can't reach its own macvlan containers (Docker: S150).
 *
 * The only host objects the driver makes are parents it creates itself: an 802.1q sub-interface
 * for `parent=IFACE.VLAN` when it is missing, or a dummy for a network without a parent. They
 * carry the alias `conet-macvlan:<id>` (not the bridge driver's prefix, whose restore removes
 * every `conet-net:` link it doesn't know), so removal and start-up reconcile touch only ours.
 */
import { forbidden, invalid } from '../../errors/index.js';
import type { LinkInfo, LinkPort, MacvlanPort } from '../../kernel/ports.js';
import type { Endpoint, Network } from '../../model/network.js';
import { DecodedOptions } from '../common/decoded-options.js';
import { endpointInterface } from '../common/endpoint-interface.js';
import { parseInterfaceName } from '../../util/kernel-values.js';
import type { NetworkDriver } from '../driver.js';
import { decodeMacvlanOptions, type MacvlanOptions } from './options.js';
import { logError } from '../../util/log-error.js';
import { createLogger, type Logger } from '../../util/logger.js';

export const MACVLAN_ALIAS_PREFIX = 'conet-macvlan:';

export interface MacvlanDriverDeps {
  links: LinkPort;
  macvlan: MacvlanPort;
  /** A parent that can't be restored at start-up (stderr at warn when absent). */
  logger?: Logger;
}

export class MacvlanDriver implements NetworkDriver {
  readonly name = 'macvlan';
  readonly capabilities = { scope: 'local', multipleInstances: true, usesIpam: true } as const;

  /** Decoded when a network is validated (create) or restored; reused by every later step. */
  private readonly macvlanOptions = new DecodedOptions<Network, MacvlanOptions>(decodeMacvlanOptions, (network) => [network.options, network.internal]);

  constructor(private readonly deps: MacvlanDriverDeps) {}

  validate(network: Network, existing: readonly Network[]): void {
    const { parent } = this.macvlanOptions.of(network);
    // As Docker 20.10: one macvlan network per parent. Two networks on one segment would share
    // a broadcast domain anyway, and IPAM could hand the same address out twice.
    for (const other of existing) {
      if (other.driver !== this.name || other.id === network.id) continue;
      if (this.macvlanOptions.of(other).parent === parent) {
        throw forbidden('macvlan-parent-in-use', `network dm-${other.id.slice(0, 12)} is already using parent interface ${parent}`);
      }
    }
  }

  async createNetwork(network: Network): Promise<void> {
    await this.ensureParent(network, this.macvlanOptions.of(network), await this.deps.links.listLinks());
  }

  async deleteNetwork(network: Network): Promise<void> {
    const { parent } = this.macvlanOptions.of(network);
    const link = (await this.deps.links.listLinks()).find((candidate) => candidate.name === parent);
    if (link && link.alias === aliasOf(network)) await this.deps.links.deleteLink(parent);
  }

  async restore(networks: readonly Network[]): Promise<void> {
    const links = await this.deps.links.listLinks();
    const wanted = new Set(networks.map((network) => network.id));
    for (const link of links) {
      if (link.alias.startsWith(MACVLAN_ALIAS_PREFIX) && !wanted.has(link.alias.slice(MACVLAN_ALIAS_PREFIX.length))) {
        await this.deps.links.deleteLink(link.name);
      }
    }
    for (const network of networks) {
      // A parent that can't be made again (its link gone, the module unloaded) must not keep the
      // daemon from starting: containers joining the network then report it clearly.
      await this.ensureParent(network, this.macvlanOptions.of(network), links).catch(logError(this.deps.logger ?? createLogger('warn'), 'warn', 'restoring the macvlan parent', { network: network.name }));
    }
  }

  async join(network: Network, endpoint: Endpoint, options: { createSandbox: boolean }): Promise<void> {
    const decoded = this.macvlanOptions.of(network);
    const internal = network.internal || decoded.parentKind.kind === 'dummy';
    await this.deps.macvlan.plugMacvlan({
      ...endpointInterface(endpoint, !internal),
      parent: parseInterfaceName(decoded.parent),
      mode: decoded.mode,
      createSandbox: options.createSandbox,
      ...(decoded.mtu === undefined ? {} : { mtu: decoded.mtu }),
    });
  }

  async leave(_network: Network, endpoint: Endpoint): Promise<void> {
    await this.deps.macvlan.unplugMacvlan(endpoint.sandbox, endpoint.ifname);
  }

  /** None: the parent is the LAN's, and its routes are real host routes IPAM should know of. */
  ownedInterfaces(): string[] {
    return [];
  }

  private async ensureParent(network: Network, options: MacvlanOptions, links: readonly LinkInfo[]): Promise<void> {
    const names = new Set(links.map((link) => link.name));
    if (names.has(options.parent)) return;
    const alias = aliasOf(network);
    const kind = options.parentKind;
    if (kind.kind === 'link') {
      throw invalid('macvlan-parent-missing', `-o parent interface was not found on the host: ${options.parent}`);
    }
    if (kind.kind === 'vlan') {
      if (!names.has(kind.link)) {
        throw invalid('macvlan-parent-missing', `-o parent interface was not found on the host: ${kind.link} (for vlan sub-interface ${options.parent})`);
      }
      await this.deps.macvlan.createParentLink({ kind: 'vlan', name: parseInterfaceName(options.parent), link: parseInterfaceName(kind.link), vlanId: kind.vlanId, alias });
      return;
    }
    await this.deps.macvlan.createParentLink({ kind: 'dummy', name: parseInterfaceName(options.parent), alias });
  }
}

function aliasOf(network: Pick<Network, 'id'>): string {
  return `${MACVLAN_ALIAS_PREFIX}${network.id}`;
}
