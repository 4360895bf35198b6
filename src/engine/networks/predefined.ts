/** The three networks every host has from first start, shaped as Docker shows them. */
import type { Network } from '../../model/network.js';
import { newId, timestamp } from '../../util/ids.js';

export interface DefaultBridgeConfig {
  /** Linux bridge name (Docker: docker0; conet: conet0). */
  name: string;
  /** Subnet of the default bridge, e.g. 172.17.0.0/16. */
  subnet: string;
  /** Optional explicit gateway (from `bip`). */
  gateway?: string;
  mtu: number;
  icc: boolean;
  masquerade: boolean;
  /** Daemon `ipv6` + `fixed-cidr-v6`: the default bridge's IPv6 subnet. */
  subnet6?: string;
}

function base(name: string, driver: string): Network {
  return {
    id: newId(),
    name,
    driver,
    scope: 'local',
    created: timestamp(),
    enableIPv6: false,
    internal: false,
    attachable: false,
    ingress: false,
    configOnly: false,
    configFrom: '',
    ipam: { driver: 'default', options: null, configs: [] },
    options: {},
    labels: {},
    predefined: true,
  };
}

export function predefinedNetworks(bridge: DefaultBridgeConfig): Network[] {
  const none = base('none', 'null');
  const host = base('host', 'host');
  const defaultBridge = base('bridge', 'bridge');
  defaultBridge.ipam.configs = [bridge.gateway ? { subnet: bridge.subnet, gateway: bridge.gateway } : { subnet: bridge.subnet }];
  if (bridge.subnet6) {
    defaultBridge.enableIPv6 = true;
    defaultBridge.ipam.configs.push({ subnet: bridge.subnet6 });
  }
  defaultBridge.options = {
    'com.docker.network.bridge.default_bridge': 'true',
    'com.docker.network.bridge.enable_icc': String(bridge.icc),
    'com.docker.network.bridge.enable_ip_masquerade': String(bridge.masquerade),
    'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
    'com.docker.network.bridge.name': bridge.name,
    'com.docker.network.driver.mtu': String(bridge.mtu),
  };
  return [none, host, defaultBridge];
}

/** Whether a stored predefined network still has what the daemon's configuration asks for. */
export function samePredefinedConfig(stored: Network, wanted: Network): boolean {
  return (
    stored.enableIPv6 === wanted.enableIPv6 &&
    JSON.stringify(stored.ipam.configs) === JSON.stringify(wanted.ipam.configs) &&
    JSON.stringify(stored.options) === JSON.stringify(wanted.options)
  );
}
