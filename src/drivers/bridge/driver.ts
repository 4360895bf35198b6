/**
 * The `bridge` driver as users name it: Docker's local bridge networks. The machinery (Linux
 * bridge, addresses, firewall share) lives in `drivers/common/` because the overlay driver builds
 * its per-node bridges from the same parts.
 */
import { BridgeNetworks, type BridgeNetworksDeps } from '../common/bridge-networks.js';

export class BridgeDriver extends BridgeNetworks {
  constructor(deps: Omit<BridgeNetworksDeps, 'name' | 'aliasPrefix'>) {
    super({ ...deps, name: 'bridge' });
  }
}
