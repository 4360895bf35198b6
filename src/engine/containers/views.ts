/** Which networks a container shows in inspect and ps, with its endpoint on each when attached. */
import { createHash } from 'node:crypto';
import type { Container } from '../../model/container.js';
import type { Endpoint, Network } from '../../model/network.js';
import type { EndpointService } from '../networks/endpoint-service.js';
import type { NetworkService } from '../networks/network-service.js';
import { networkNameOf } from './network-attach.js';

export interface NetworkView {
  network: Network;
  /** undefined while the container is not attached (created or exited). */
  endpoint?: Endpoint;
}

/** Host-mode containers have no kernel endpoint; Docker still shows a stable EndpointID. */
export function hostEndpoint(container: Container, network: Network): Endpoint {
  const id = createHash('sha256').update(`${container.id}/${network.id}`).digest('hex');
  return { id, networkId: network.id, containerId: container.id, name: container.name, macAddress: '', ipv4Address: '', ipv6Address: '', gateway4: '', gateway6: '', sandbox: '', ifname: '', hostIfname: '', aliases: [], requestedIpv4: '', requestedIpv6: '' };
}

export function networkViews(container: Container, deps: { networks: NetworkService; endpoints: EndpointService }): NetworkView[] {
  const mode = container.hostConfig.networkMode;
  if (mode.startsWith('container:')) return [];
  const attached = deps.endpoints.endpointsOfContainer(container.id);
  const views: NetworkView[] = [];
  const seen = new Set<string>();
  for (const endpoint of attached) {
    const network = deps.networks.all().find((candidate) => candidate.id === endpoint.networkId);
    if (!network) continue;
    seen.add(network.id);
    views.push({ network, endpoint });
  }
  const primary = container.primaryDetached ? undefined : deps.networks.all().find((network) => network.name === networkNameOf(mode) || network.id === mode);
  if (primary && !seen.has(primary.id)) {
    const running = container.state.status === 'running';
    views.unshift(primary.driver === 'host' && running ? { network: primary, endpoint: hostEndpoint(container, primary) } : { network: primary });
  }
  return views;
}

/** What `network inspect host` lists: the running host-mode containers (Docker shows them too). */
export function hostModeEndpoints(network: Network, containers: readonly Container[]): Endpoint[] {
  if (network.driver !== 'host') return [];
  return containers
    .filter((container) => container.hostConfig.networkMode === 'host' && container.state.status === 'running')
    .map((container) => hostEndpoint(container, network));
}
