/** NetworkSettings of a container, as Docker 20.10 renders it (S049, S017, S024, S029); newer versions via versioned.ts. */
import type { Container } from '../../model/container.js';
import type { NetworkView } from '../../engine/containers/views.js';
import { renderPublishedPorts } from './container-ports.js';
import { endpointAt } from './versioned.js';

export type { NetworkView };

function splitCidr(cidr: string): { address: string; prefix: number } {
  const [address = '', prefix = '0'] = cidr.split('/');
  return { address, prefix: cidr === '' ? 0 : Number(prefix) };
}

function endpointSettings(container: Container, view: NetworkView, version: string): Record<string, unknown> {
  const { network, endpoint } = view;
  const request = container.endpointRequests[network.name] ?? container.endpointRequests[network.id];
  const v4 = splitCidr(endpoint?.ipv4Address ?? '');
  const v6 = splitCidr(endpoint?.ipv6Address ?? '');
  const userDefined = !network.predefined;
  const ipamConfig = request && (request.ipv4Address || request.ipv6Address)
    ? { ...(request.ipv4Address ? { IPv4Address: request.ipv4Address } : {}), ...(request.ipv6Address ? { IPv6Address: request.ipv6Address } : {}) }
    : null;
  const shortId = container.id.slice(0, 12);
  const aliases = request?.aliases ?? [];
  // Each name once: compose v1 passes the short id among its aliases (Docker adds it only when absent, and dedups DNSNames).
  const dnsNames = userDefined && endpoint ? [...new Set([container.name, ...aliases, shortId])] : null;
  return endpointAt({
    IPAMConfig: ipamConfig,
    // Links given at connect (the create door's are HostConfig.Links).
    Links: request?.links?.length ? request.links.map((link) => `${link.name}:${link.alias}`) : null,
    // Docker adds the short id as an alias on user-defined networks once attached.
    Aliases: userDefined && endpoint ? [...new Set([...aliases, shortId])] : aliases.length > 0 ? aliases : null,
    NetworkID: network.id,
    EndpointID: endpoint?.id ?? '',
    Gateway: endpoint?.gateway4 ?? '',
    IPAddress: v4.address,
    IPPrefixLen: v4.prefix,
    IPv6Gateway: endpoint?.gateway6 ?? '',
    GlobalIPv6Address: v6.address,
    GlobalIPv6PrefixLen: v6.prefix,
    MacAddress: endpoint?.macAddress ?? '',
    DriverOpts: request?.driverOpts && Object.keys(request.driverOpts).length > 0 ? request.driverOpts : null,
  }, { shortId, dnsNames, gwPriority: request?.gwPriority ?? 0 }, version);
}

export function renderPorts(container: Container): Record<string, Array<{ HostIp: string; HostPort: string }> | null> {
  const ports: Record<string, Array<{ HostIp: string; HostPort: string }> | null> = {};
  if (container.state.status !== 'running' || container.hostConfig.networkMode === 'host' || container.hostConfig.networkMode.startsWith('container:')) {
    return ports;
  }
  for (const port of Object.keys(container.config.exposedPorts)) ports[port] = null;
  return { ...ports, ...renderPublishedPorts(container.ports) };
}

export function renderNetworkSettings(container: Container, views: readonly NetworkView[], sandboxKey: string, version: string): Record<string, unknown> {
  const networks: Record<string, unknown> = {};
  for (const view of views) networks[view.network.name] = endpointSettings(container, view, version);
  const bridge = views.find((view) => view.network.name === 'bridge' && view.endpoint);
  const legacy = bridge ? (networks['bridge'] as Record<string, unknown>) : undefined;
  return {
    Bridge: '',
    SandboxID: container.sandbox ? container.id : '',
    HairpinMode: false,
    LinkLocalIPv6Address: '',
    LinkLocalIPv6PrefixLen: 0,
    Ports: renderPorts(container),
    SandboxKey: sandboxKey,
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: legacy?.['EndpointID'] ?? '',
    Gateway: legacy?.['Gateway'] ?? '',
    GlobalIPv6Address: legacy?.['GlobalIPv6Address'] ?? '',
    GlobalIPv6PrefixLen: legacy?.['GlobalIPv6PrefixLen'] ?? 0,
    IPAddress: legacy?.['IPAddress'] ?? '',
    IPPrefixLen: legacy?.['IPPrefixLen'] ?? 0,
    IPv6Gateway: legacy?.['IPv6Gateway'] ?? '',
    MacAddress: legacy?.['MacAddress'] ?? '',
    Networks: networks,
  };
}
