/**
 * The network drivers and the firewall service they share: bridge, host, null and macvlan on
 * every host; overlay only in cluster mode, where global networks live in the cluster store.
 */
import type { ClusterState } from '../engine/cluster/cluster-state.js';
import { DriverRegistry } from '../drivers/driver.js';
import { BridgeDriver } from '../drivers/bridge/driver.js';
import { NftBridgeFirewall } from '../drivers/common/bridge-firewall.js';
import { HostDriver } from '../drivers/host/driver.js';
import { MacvlanDriver } from '../drivers/macvlan/driver.js';
import { NullDriver } from '../drivers/null/driver.js';
import { OverlayDriver } from '../drivers/overlay/driver.js';
import { FirewallService } from '../firewall/firewall-service.js';
import type { Logger } from '../util/logger.js';
import type { DaemonConfig } from './config.js';
import type { LinuxAdapters } from './wire-kernel.js';

export interface DriverWiring {
  linux: LinuxAdapters;
  cluster?: ClusterState;
  logger: Logger;
}

export function wireDrivers(config: DaemonConfig, deps: DriverWiring): { drivers: DriverRegistry; firewall: FirewallService } {
  const { kernel } = deps.linux;
  const firewall = new FirewallService(kernel.firewall, config.nftTable, {
    onFlushError: (error) => deps.logger.warn('conntrack flush failed', { error: String(error) }),
  });
  const drivers = new DriverRegistry();
  drivers.register(new BridgeDriver({ kernel, firewall: new NftBridgeFirewall(firewall), defaultMtu: config.mtu, ip6Masquerade: config.ip6Masquerade, logger: deps.logger }));
  drivers.register(new HostDriver());
  drivers.register(new NullDriver());
  drivers.register(new MacvlanDriver({ links: kernel.links, macvlan: deps.linux.macvlan, logger: deps.logger }));
  if (deps.cluster) {
    drivers.register(new OverlayDriver({
      kernel,
      overlay: deps.linux.overlay,
      firewall: new NftBridgeFirewall(firewall, 'overlay'),
      cluster: deps.cluster,
      dataPathPort: config.dataPathPort,
      onError: (message, error) => deps.logger.error(message, { error: String(error) }),
      logger: deps.logger,
    }));
  }
  return { drivers, firewall };
}
