/**
 * A global network's endpoints as this node shows them (inspect, DNS, `network rm`): its own, then
 * every other node's claim from the cluster store, marked with `remoteNode`. Shared by the
 * endpoint service and the endpoint source the network service counts with.
 */
import type { ClusterEndpoint } from '../../cluster/cluster-store.js';
import type { Endpoint } from '../../model/network.js';
import type { ClusterState } from '../cluster/cluster-state.js';

export function withRemoteEndpoints(local: Endpoint[], networkId: string, cluster: ClusterState | undefined): Endpoint[] {
  if (!cluster) return local;
  const remote = cluster
    .endpointsOf(networkId)
    .filter((endpoint) => endpoint.nodeId !== cluster.selfId)
    .map((endpoint) => remoteEndpoint(endpoint));
  return [...local, ...remote];
}

/** Another node's endpoint as this node shows it (inspect, DNS): no sandbox or interface here. */
function remoteEndpoint(endpoint: ClusterEndpoint): Endpoint {
  return {
    id: endpoint.id,
    networkId: endpoint.networkId,
    containerId: endpoint.containerId,
    name: endpoint.name,
    macAddress: endpoint.macAddress,
    ipv4Address: endpoint.ipv4Address,
    ipv6Address: endpoint.ipv6Address,
    gateway4: '',
    gateway6: '',
    sandbox: '',
    ifname: '',
    hostIfname: '',
    aliases: endpoint.aliases,
    requestedIpv4: '',
    requestedIpv6: '',
    remoteNode: endpoint.nodeId,
    hostname: endpoint.hostname,
  };
}
