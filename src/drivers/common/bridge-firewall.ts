import type { FirewallNetwork } from '../../firewall/index.js';
import type { FirewallService } from '../../firewall/firewall-service.js';
import type { BridgeFirewall } from './bridge-networks.js';

/** BridgeFirewall over the shared FirewallService: every change is one `nft -f -` transaction. */
export class NftBridgeFirewall implements BridgeFirewall {
  /** `owner` keeps drivers' rebuilds apart: the bridge and the overlay driver share the table. */
  constructor(
    private readonly firewall: FirewallService,
    private readonly owner = 'bridge',
  ) {}

  addNetwork(network: FirewallNetwork): Promise<void> {
    return this.firewall.addNetwork(network, this.owner);
  }

  removeNetwork(network: FirewallNetwork): Promise<void> {
    return this.firewall.removeNetwork(network);
  }

  rebuild(networks: FirewallNetwork[]): Promise<void> {
    return this.firewall.rebuild(networks, this.owner);
  }

  forgetAddresses(addresses: readonly string[]): Promise<void> {
    return this.firewall.forgetAddresses(addresses);
  }
}
