/**
 * An endpoint's interface as the kernel ports take it: the stored strings (decoded once at the API,
 * then read back from the store) are parsed again into typed values here, so nothing reaches an
 * `ip -batch` script that its type's parser hasn't accepted.
 */
import type { Endpoint } from '../../model/network.js';
import {
  parseInterfaceAddress,
  parseInterfaceName,
  parseIpAddress,
  parseMac,
  parseNetnsName,
  type InterfaceAddress,
  type InterfaceName,
  type IpAddressText,
  type MacAddress,
  type NetnsName,
} from '../../util/kernel-values.js';

export interface EndpointInterface {
  sandbox: NetnsName;
  ifname: InterfaceName;
  mac: MacAddress;
  addresses: InterfaceAddress[];
  gateway4?: IpAddressText;
  gateway6?: IpAddressText;
}

/** `withGateways` false (an internal network) leaves out the default routes. */
export function endpointInterface(endpoint: Endpoint, withGateways: boolean): EndpointInterface {
  return {
    sandbox: parseNetnsName(endpoint.sandbox),
    ifname: parseInterfaceName(endpoint.ifname),
    mac: parseMac(endpoint.macAddress),
    addresses: [endpoint.ipv4Address, endpoint.ipv6Address].filter((cidr) => cidr !== '').map(parseInterfaceAddress),
    ...(endpoint.gateway4 && withGateways ? { gateway4: parseIpAddress(endpoint.gateway4) } : {}),
    ...(endpoint.gateway6 && withGateways ? { gateway6: parseIpAddress(endpoint.gateway6) } : {}),
  };
}
