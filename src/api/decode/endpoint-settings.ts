/**
 * Docker's EndpointSettings (NetworkingConfig.EndpointsConfig.<net> on container create, and
 * EndpointConfig on `POST /networks/{id}/connect`) -> the typed request for one network. One
 * decoder for both doors, so both validate the same way (the MAC address above all).
 */
import type { EndpointRequest } from '../../model/container.js';
import { object, string, strings } from './json.js';
import { parseMacAddress } from './mac-address.js';

/** `field` is where the settings sit in the body, e.g. "EndpointsConfig.my_bridge". */
export function decodeEndpointSettings(value: unknown, field: string): EndpointRequest {
  const config = object(value, field);
  const ipam = object(config['IPAMConfig'], `${field}.IPAMConfig`);
  return {
    aliases: strings(config['Aliases'], 'Aliases'),
    ipv4Address: string(ipam['IPv4Address'], 'IPv4Address'),
    ipv6Address: string(ipam['IPv6Address'], 'IPv6Address'),
    macAddress: parseMacAddress(string(config['MacAddress'], 'MacAddress'), `${field}.MacAddress`),
  };
}

/** NetworkingConfig -> network name or id -> request. */
export function decodeNetworkingConfig(value: unknown): Record<string, EndpointRequest> {
  const configs = object(object(value, 'NetworkingConfig')['EndpointsConfig'], 'NetworkingConfig.EndpointsConfig');
  // fromEntries, not assignment: a network named "__proto__" stays a key.
  return Object.fromEntries(Object.entries(configs).map(([network, raw]) => [network, decodeEndpointSettings(raw, `EndpointsConfig.${network}`)]));
}
