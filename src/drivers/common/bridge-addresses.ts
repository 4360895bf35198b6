import { cidrFamily, gatewayOf, prefixLengthOf } from '../../ipam/index.js';
import type { Network } from '../../model/network.js';

/** The bridge's own addresses: each subnet's gateway with the subnet's prefix length. */
export function bridgeAddresses(network: Pick<Network, 'ipam'>): string[] {
  const addresses: string[] = [];
  for (const config of network.ipam.configs) {
    const gateway = gatewayOf(config);
    if (gateway !== undefined) addresses.push(`${gateway}/${prefixLengthOf(config.subnet)}`);
  }
  return addresses;
}

export function splitSubnets(network: Pick<Network, 'ipam'>): { subnets4: string[]; subnets6: string[] } {
  const subnets4: string[] = [];
  const subnets6: string[] = [];
  for (const config of network.ipam.configs) (cidrFamily(config.subnet) === 4 ? subnets4 : subnets6).push(config.subnet);
  return { subnets4, subnets6 };
}
