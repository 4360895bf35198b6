/** Decoders of the list answers (`GET /containers/json`, `GET /networks`). */
import { asArray, asObject, bool, num, optNum, optStr, str, stringList, type Json } from './decode.js';
import type { ContainerSummary, NetworkSummary, PortSummary } from './types.js';

export function decodeContainerList(value: unknown): ContainerSummary[] {
  return asArray(value, 'containers').map((item, index) => decodeContainer(asObject(item, `containers[${index}]`), `containers[${index}]`));
}

function decodeContainer(o: Json, what: string): ContainerSummary {
  const ports = o['Ports'] === undefined || o['Ports'] === null ? [] : asArray(o['Ports'], `${what}.Ports`);
  return {
    id: str(o, 'Id', what),
    names: stringList(o, 'Names', what).map((name) => name.replace(/^\//, '')),
    image: optStr(o, 'Image', what),
    command: optStr(o, 'Command', what),
    created: num(o, 'Created', what),
    state: optStr(o, 'State', what),
    status: optStr(o, 'Status', what),
    ports: ports.map((port, index) => decodePort(asObject(port, `${what}.Ports[${index}]`), `${what}.Ports[${index}]`)),
    networks: decodeNetworkAddresses(o, what),
  };
}

function decodePort(o: Json, what: string): PortSummary {
  const publicPort = optNum(o, 'PublicPort', what);
  return { ip: optStr(o, 'IP', what), privatePort: num(o, 'PrivatePort', what), ...(publicPort !== undefined ? { publicPort } : {}), protocol: optStr(o, 'Type', what) || 'tcp' };
}

function decodeNetworkAddresses(o: Json, what: string): Record<string, string> {
  const settings = o['NetworkSettings'];
  if (settings === undefined || settings === null) return {};
  const networks = asObject(settings, `${what}.NetworkSettings`)['Networks'];
  if (networks === undefined || networks === null) return {};
  const out: Record<string, string> = {};
  for (const [name, endpoint] of Object.entries(asObject(networks, `${what}.NetworkSettings.Networks`))) {
    out[name] = optStr(asObject(endpoint, `${what}.NetworkSettings.Networks.${name}`), 'IPAddress', `${what}.NetworkSettings.Networks.${name}`);
  }
  return out;
}

export function decodeNetworkList(value: unknown): NetworkSummary[] {
  return asArray(value, 'networks').map((item, index) => decodeNetwork(asObject(item, `networks[${index}]`), `networks[${index}]`));
}

export function decodeNetwork(o: Json, what: string): NetworkSummary {
  const ipam = o['IPAM'] === undefined || o['IPAM'] === null ? {} : asObject(o['IPAM'], `${what}.IPAM`);
  const config = ipam['Config'] === undefined || ipam['Config'] === null ? [] : asArray(ipam['Config'], `${what}.IPAM.Config`);
  return {
    id: str(o, 'Id', what),
    name: str(o, 'Name', what),
    driver: optStr(o, 'Driver', what),
    scope: optStr(o, 'Scope', what),
    created: optStr(o, 'Created', what),
    internal: bool(o, 'Internal', what),
    enableIPv6: bool(o, 'EnableIPv6', what),
    subnets: config.map((entry, index) => optStr(asObject(entry, `${what}.IPAM.Config[${index}]`), 'Subnet', `${what}.IPAM.Config[${index}]`)).filter((s) => s !== ''),
  };
}
