/**
 * The view's model: Docker's network list and container list (API 1.50 shapes) turned into one
 * snapshot of networks, containers, their endpoints (the edges) and published ports. Pure.
 * Device names follow the drivers' conventions (bridge-options.ts, overlay/driver.ts): a bridge
 * network's `com.docker.network.bridge.name` or `br-<id12>`, an overlay's `ov-`/`vx-<id12>`.
 */
import { asArray, asNumber, asObject, asString, asStrings, type Json } from './decode.js';

export interface UiNetwork {
  id: string;
  name: string;
  driver: string;
  scope: string;
  internal: boolean;
  subnets: string[];
  gateways: string[];
  /** Kernel devices that carry it: the bridge, and the VXLAN device of an overlay. */
  devices: string[];
}

export interface UiPort {
  containerPort: number;
  protocol: string;
  hostIp: string;
  hostPort: number;
}

export interface UiEndpoint {
  networkId: string;
  networkName: string;
  ipv4: string;
  ipv6: string;
  mac: string;
  gateway: string;
  aliases: string[];
  dnsNames: string[];
  gwPriority: number;
}

export interface UiContainer {
  id: string;
  name: string;
  image: string;
  state: string;
  status: string;
  endpoints: UiEndpoint[];
  ports: UiPort[];
}

export interface UiEdge {
  container: string;
  network: string;
  address: string;
}

export interface Topology {
  host: string;
  networks: UiNetwork[];
  containers: UiContainer[];
  edges: UiEdge[];
}

function devicesOf(network: Json, id: string, driver: string): string[] {
  const options = asObject(network['Options']);
  const named = asString(options['com.docker.network.bridge.name']);
  if (driver === 'bridge') return [named || `br-${id.slice(0, 12)}`];
  if (driver === 'overlay') return [`ov-${id.slice(0, 12)}`, `vx-${id.slice(0, 12)}`];
  const parent = asString(options['parent']);
  return parent ? [parent] : [];
}

export function decodeNetwork(value: unknown): UiNetwork {
  const network = asObject(value);
  const id = asString(network['Id']);
  const driver = asString(network['Driver']);
  const configs = asArray(asObject(network['IPAM'])['Config']).map(asObject);
  return {
    id,
    name: asString(network['Name']),
    driver,
    scope: asString(network['Scope']),
    internal: network['Internal'] === true,
    subnets: configs.map((config) => asString(config['Subnet'])).filter(Boolean),
    gateways: configs.map((config) => asString(config['Gateway'])).filter(Boolean),
    devices: devicesOf(network, id, driver),
  };
}

function decodeEndpoint(networkName: string, value: unknown): UiEndpoint {
  const endpoint = asObject(value);
  const ipv4 = asString(endpoint['IPAddress']);
  const ipv6 = asString(endpoint['GlobalIPv6Address']);
  return {
    networkId: asString(endpoint['NetworkID']),
    networkName,
    ipv4: ipv4 ? `${ipv4}/${asNumber(endpoint['IPPrefixLen'])}` : '',
    ipv6: ipv6 ? `${ipv6}/${asNumber(endpoint['GlobalIPv6PrefixLen'])}` : '',
    mac: asString(endpoint['MacAddress']),
    gateway: asString(endpoint['Gateway']),
    aliases: asStrings(endpoint['Aliases']),
    dnsNames: asStrings(endpoint['DNSNames']),
    gwPriority: asNumber(endpoint['GwPriority']),
  };
}

function decodePorts(value: unknown): UiPort[] {
  return asArray(value).map(asObject).filter((port) => asNumber(port['PublicPort']) > 0).map((port) => ({
    containerPort: asNumber(port['PrivatePort']),
    protocol: asString(port['Type']) || 'tcp',
    hostIp: asString(port['IP']),
    hostPort: asNumber(port['PublicPort']),
  }));
}

export function decodeContainer(value: unknown): UiContainer {
  const container = asObject(value);
  const networks = asObject(asObject(container['NetworkSettings'])['Networks']);
  return {
    id: asString(container['Id']),
    name: (asStrings(container['Names'])[0] ?? '').replace(/^\//, ''),
    image: asString(container['Image']),
    state: asString(container['State']),
    status: asString(container['Status']),
    endpoints: Object.entries(networks).map(([name, endpoint]) => decodeEndpoint(name, endpoint)),
    ports: decodePorts(container['Ports']),
  };
}

/** `networks`: GET /networks; `containers`: GET /containers/json?all=1; `info`: GET /info. */
export function buildTopology(networks: unknown, containers: unknown, info: unknown): Topology {
  const decodedNetworks = asArray(networks).map(decodeNetwork).filter((network) => network.id !== '');
  const decodedContainers = asArray(containers).map(decodeContainer).filter((container) => container.id !== '');
  const known = new Set(decodedNetworks.map((network) => network.id));
  const edges = decodedContainers.flatMap((container) =>
    container.endpoints
      .filter((endpoint) => known.has(endpoint.networkId))
      .map((endpoint) => ({ container: container.id, network: endpoint.networkId, address: endpoint.ipv4 || endpoint.ipv6 })));
  return { host: asString(asObject(info)['Name']), networks: decodedNetworks, containers: decodedContainers, edges };
}
