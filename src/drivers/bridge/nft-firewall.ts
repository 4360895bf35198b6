import { addNetworkScript, buildRuleset, removeNetworkScript, type FirewallNetwork } from '../../firewall/index.js';
import type { FirewallPort } from '../../kernel/ports.js';
import type { BridgeFirewall } from './driver.js';

/** BridgeFirewall over the pure nft builder: every change is one `nft -f -` transaction. */
export class NftBridgeFirewall implements BridgeFirewall {
  constructor(
    private readonly port: FirewallPort,
    private readonly table: string,
  ) {}

  addNetwork(network: FirewallNetwork): Promise<void> {
    return this.port.apply(addNetworkScript(this.table, network));
  }

  removeNetwork(network: FirewallNetwork): Promise<void> {
    return this.port.apply(removeNetworkScript(this.table, network));
  }

  rebuild(networks: FirewallNetwork[]): Promise<void> {
    return this.port.apply(buildRuleset({ table: this.table, networks }));
  }
}
