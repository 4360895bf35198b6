/**
 * Start-up repair of a running container's record after a crash between a live connect or
 * disconnect and the save of the record: the record's networks (endpointRequests, primaryDetached)
 * are made to follow the endpoints the container has, so its next start joins the networks it
 * shows now. Requests of networks it is still on are kept as they are (addresses, aliases).
 */
import type { Container, EndpointRequest } from '../../model/container.js';
import type { Endpoint, Network } from '../../model/network.js';
import { IFNAME_OPTION } from './interface-name.js';
import { networkNameOf } from './network-attach.js';

/** The record the endpoints call for, or undefined when the stored one already matches. */
export function recordFollowingEndpoints(container: Container, attached: ReadonlyArray<{ network: Network; endpoint: Endpoint }>): Pick<Container, 'endpointRequests' | 'primaryDetached'> | undefined {
  const mode = container.hostConfig.networkMode;
  if (mode === 'host' || mode === 'none' || mode.startsWith('container:')) return undefined;
  const isPrimary = (network: Network): boolean => network.name === networkNameOf(mode) || network.id === mode;
  const on = (key: string): boolean => attached.some(({ network }) => network.name === key || network.id === key);
  const requests: Record<string, EndpointRequest> = {};
  for (const [key, request] of Object.entries(container.endpointRequests)) {
    if (on(key)) requests[key] = request;
  }
  for (const { network, endpoint } of attached) {
    if (isPrimary(network) || requests[network.name] || requests[network.id]) continue;
    requests[network.name] = {
      aliases: endpoint.aliases,
      ipv4Address: '',
      ipv6Address: '',
      macAddress: '',
      // What the endpoint shows of --gw-priority and the ifname option is kept for the next start.
      ...(endpoint.gwPriority ? { gwPriority: endpoint.gwPriority } : {}),
      ...(/^eth\d+$/.test(endpoint.ifname) ? {} : { driverOpts: { [IFNAME_OPTION]: endpoint.ifname } }),
    };
  }
  const primaryDetached = !attached.some(({ network }) => isPrimary(network));
  const same = JSON.stringify(requests) === JSON.stringify(container.endpointRequests) && primaryDetached === (container.primaryDetached === true);
  if (same) return undefined;
  return primaryDetached ? { endpointRequests: requests, primaryDetached } : { endpointRequests: requests };
}
