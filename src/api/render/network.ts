/** Domain network -> the JSON Docker 20.10 returns (field order and types as recorded). */
import { toDockerIpamConfig } from './ipam.js';
import type { Endpoint, Network } from '../../model/network.js';
import { networkAt } from './versioned.js';

function renderEndpoints(endpoints: readonly Endpoint[]): Record<string, unknown> {
  const containers: Record<string, unknown> = {};
  for (const endpoint of endpoints) {
    // Remote endpoints of an overlay network, as Docker's KV-store overlay showed them.
    containers[endpoint.remoteNode ? `ep-${endpoint.id}` : endpoint.containerId] = {
      Name: endpoint.name,
      EndpointID: endpoint.id,
      MacAddress: endpoint.macAddress,
      IPv4Address: endpoint.ipv4Address,
      IPv6Address: endpoint.ipv6Address,
    };
  }
  return containers;
}

/** `endpoints` is undefined for list responses, where Docker 20.10 always shows {}. */
export function renderNetwork(network: Network, version: string, endpoints?: readonly Endpoint[]): Record<string, unknown> {
  return networkAt({
    Name: network.name,
    Id: network.id,
    Created: network.created,
    Scope: network.scope,
    Driver: network.driver,
    EnableIPv6: network.enableIPv6,
    IPAM: {
      Driver: network.ipam.driver,
      Options: network.ipam.options,
      Config: network.ipam.configs.map(toDockerIpamConfig),
    },
    Internal: network.internal,
    Attachable: network.attachable,
    Ingress: network.ingress,
    ConfigFrom: { Network: network.configFrom },
    ConfigOnly: network.configOnly,
    Containers: endpoints ? renderEndpoints(endpoints) : {},
    Options: network.options,
    Labels: network.labels,
  }, network.enableIPv4 !== false, version);
}
