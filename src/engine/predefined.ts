/** The three networks every host has from first start, shaped as Docker shows them. */
import type { Network } from '../model/network.js';
import { newId, timestamp } from './ids.js';

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
