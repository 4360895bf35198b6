/** Engine tests' create-network requests: Docker's defaults, with the fields a test cares about. */
import type { IpamConfigRequest } from '../../model/network.js';
import type { CreateNetworkRequest } from './network-request.js';

export function networkRequest(
  name: string,
  fields: Partial<Omit<CreateNetworkRequest, 'name'>> & { subnets?: IpamConfigRequest[] } = {},
): CreateNetworkRequest {
  const { subnets, ...rest } = fields;
  return {
    name,
    driver: 'bridge',
    internal: false,
    attachable: false,
    ingress: false,
    enableIPv6: false,
    configOnly: false,
    configFrom: '',
    scope: '',
    ipam: { driver: 'default', options: {}, configs: subnets ?? [] },
    options: {},
    labels: {},
    ...rest,
  };
}
