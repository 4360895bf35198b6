/**
 * A container's interface name on a network: the endpoint driver option
 * `com.docker.network.endpoint.ifname` (Docker 28) when given, else the first free ethN.
 */
import { conflict } from '../../errors/index.js';
import type { EndpointRequest } from '../../model/container.js';

export const IFNAME_OPTION = 'com.docker.network.endpoint.ifname';

export function interfaceNameFor(request: EndpointRequest | undefined, used: ReadonlySet<string>): string {
  const asked = request?.driverOpts?.[IFNAME_OPTION];
  if (asked) {
    if (used.has(asked)) throw conflict('endpoint-ifname', `interface name ${asked} is already in use in the container`);
    return asked;
  }
  let index = 0;
  while (used.has(`eth${index}`)) index += 1;
  return `eth${index}`;
}
