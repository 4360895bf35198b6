/**
 * What a click on a container shows, from its inspect answer (API 1.50): interfaces (name,
 * addresses, MAC, network), the routes conet gives it (each subnet on its interface, the default
 * route through the gateway of the highest GwPriority among non-internal networks), DNS names per
 * network and published ports. Interface names are the endpoint `ifname` option or ethN in attach
 * order, as the engine names them (engine/containers/interface-name.ts). Pure.
 */
import { asArray, asNumber, asObject, asString, asStrings, type Json } from './decode.js';

export interface UiInterface {
  name: string;
  network: string;
  ipv4: string;
  ipv6: string;
  mac: string;
}

export interface UiRoute {
  destination: string;
  via: string;
  device: string;
}

export interface ContainerDetails {
  id: string;
  name: string;
  state: string;
  interfaces: UiInterface[];
  routes: UiRoute[];
  dnsNames: Array<{ network: string; names: string[] }>;
  ports: Array<{ container: string; host: string }>;
}

const IFNAME = 'com.docker.network.endpoint.ifname';

function interfacesOf(networks: Json): Array<UiInterface & { gateway: string; priority: number; subnet: string }> {
  const used = new Set<string>();
  return Object.entries(networks).map(([network, value]) => {
    const endpoint = asObject(value);
    let name = asString(asObject(endpoint['DriverOpts'])[IFNAME]);
    for (let index = 0; !name; index += 1) if (!used.has(`eth${index}`)) name = `eth${index}`;
    used.add(name);
    const ipv4 = asString(endpoint['IPAddress']);
    const prefix = asNumber(endpoint['IPPrefixLen']);
    const ipv6 = asString(endpoint['GlobalIPv6Address']);
    return {
      name,
      network,
      ipv4: ipv4 ? `${ipv4}/${prefix}` : '',
      ipv6: ipv6 ? `${ipv6}/${asNumber(endpoint['GlobalIPv6PrefixLen'])}` : '',
      mac: asString(endpoint['MacAddress']),
      gateway: asString(endpoint['Gateway']),
      priority: asNumber(endpoint['GwPriority']),
      subnet: ipv4 ? subnetOf(ipv4, prefix) : '',
    };
  });
}

function subnetOf(address: string, prefix: number): string {
  const value = address.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
  const size = 2 ** (32 - prefix);
  const network = Math.floor(value / size) * size;
  return `${[24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256).join('.')}/${prefix}`;
}

/** `internal`: names of --internal networks, which give no default route. */
export function containerDetails(inspect: unknown, internal: ReadonlySet<string> = new Set()): ContainerDetails {
  const container = asObject(inspect);
  const settings = asObject(container['NetworkSettings']);
  const networks = asObject(settings['Networks']);
  const interfaces = interfacesOf(networks);
  const withGateway = interfaces.filter((item) => item.gateway !== '' && !internal.has(item.network));
  const best = withGateway.reduce<(typeof withGateway)[number] | undefined>((chosen, item) => (!chosen || item.priority > chosen.priority ? item : chosen), undefined);
  const routes: UiRoute[] = [
    ...(best ? [{ destination: 'default', via: best.gateway, device: best.name }] : []),
    ...interfaces.filter((item) => item.subnet).map((item) => ({ destination: item.subnet, via: '', device: item.name })),
  ];
  const ports = Object.entries(asObject(settings['Ports'])).flatMap(([port, bindings]) =>
    asArray(bindings).map(asObject).map((binding) => ({ container: port, host: `${asString(binding['HostIp']) || '0.0.0.0'}:${asString(binding['HostPort'])}` })));
  return {
    id: asString(container['Id']),
    name: asString(container['Name']).replace(/^\//, ''),
    state: asString(asObject(container['State'])['Status']),
    interfaces: interfaces.map(({ name, network, ipv4, ipv6, mac }) => ({ name, network, ipv4, ipv6, mac })),
    routes,
    dnsNames: Object.entries(networks).map(([network, value]) => ({ network, names: asStrings(asObject(value)['DNSNames']) })),
    ports,
  };
}
