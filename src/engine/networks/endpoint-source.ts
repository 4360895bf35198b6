/**
 * The endpoints `network inspect`, `network rm` and prune see on a network, read from the shared
 * index (so the network service needs no endpoint service): every node's endpoints and, on the
 * host network, the running host-mode containers, as Docker shows them.
 */
import type { ClusterState } from '../cluster/cluster-state.js';
import { hostModeEndpoints } from '../containers/views.js';
import type { EngineIndex } from '../engine-index.js';
import type { EndpointSource } from './network-service.js';
import { withRemoteEndpoints } from './remote-endpoints.js';

export function indexEndpointSource(index: EngineIndex, cluster?: ClusterState): EndpointSource {
  return {
    endpointsOf(networkId) {
      const attached = withRemoteEndpoints(index.endpoints.ofNetwork(networkId), networkId, cluster);
      const network = index.networks.get(networkId);
      return network ? [...attached, ...hostModeEndpoints(network, index.containers.all())] : attached;
    },
  };
}
