/**
 * Docker's EndpointSettings (NetworkingConfig.EndpointsConfig.<net> on container create, and
 * EndpointConfig on `POST /networks/{id}/connect`) -> the typed request for one network. One
 * decoder for both doors, so both validate the same way (the MAC address above all).
 */
import { invalid } from '../../errors/index.js';
import type { ContainerLink, EndpointRequest } from '../../model/container.js';
import { IFNAME_OPTION } from '../../engine/containers/interface-name.js';
import { parseInterfaceName } from '../../util/kernel-values.js';
import { object, string, stringMap, strings } from './json.js';
import { parseLink } from './links.js';
import { parseMacAddress } from './mac-address.js';


/** `--gw-priority`: an integer (Docker's int64; negative puts a network below the default 0). */
function gwPriority(value: unknown, field: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid('request', `${field} must be an integer`);
  return value;
}

/** Endpoint DriverOpts: the interface name (Docker 28's ifname option) is applied; any other option is refused, named. */
function driverOpts(value: unknown, field: string): Record<string, string> {
  const options = stringMap(value, field);
  for (const [key, text] of Object.entries(options)) {
    if (key !== IFNAME_OPTION) throw invalid('unsupported-option', `conet does not support ${field}.${key} (--driver-opt ${key}) yet: only ${IFNAME_OPTION} is applied`);
    try {
      parseInterfaceName(text);
    } catch {
      throw invalid('request', `${field}.${key}: invalid interface name ${JSON.stringify(text)}`);
    }
  }
  return options;
}

/** Endpoint Links as `NAME[:ALIAS]` entries, each once. */
function endpointLinks(value: unknown, field: string): ContainerLink[] {
  const parsed = strings(value, field).map((entry) => parseLink(entry, field));
  return parsed.filter((link, index) => parsed.findIndex((other) => other.name === link.name && other.alias === link.alias) === index);
}

/**
 * `field` is where the settings sit in the body, e.g. "EndpointsConfig.my_bridge". Links: the
 * create door applies them with HostConfig.Links (links.ts); connect's door keeps them on the
 * endpoint request (a DNS alias on that network for this container).
 */
export function decodeEndpointSettings(value: unknown, field: string, linksApplied = false): EndpointRequest {
  const config = object(value, field);
  const ipam = object(config['IPAMConfig'], `${field}.IPAMConfig`);
  const links = linksApplied ? [] : endpointLinks(config['Links'], `${field}.Links`);
  // The create door refuses LinkLocalIPs through the field table first; connect's door does it here.
  if (strings(ipam['LinkLocalIPs'], `${field}.IPAMConfig.LinkLocalIPs`).length > 0) {
    throw invalid('unsupported-option', `conet does not support ${field}.IPAMConfig.LinkLocalIPs (--link-local-ip) yet`);
  }
  const priority = gwPriority(config['GwPriority'], `${field}.GwPriority`);
  const options = driverOpts(config['DriverOpts'], `${field}.DriverOpts`);
  return {
    aliases: strings(config['Aliases'], 'Aliases'),
    ipv4Address: string(ipam['IPv4Address'], 'IPv4Address'),
    ipv6Address: string(ipam['IPv6Address'], 'IPv6Address'),
    macAddress: parseMacAddress(string(config['MacAddress'], 'MacAddress'), `${field}.MacAddress`),
    ...(priority !== 0 ? { gwPriority: priority } : {}),
    ...(Object.keys(options).length > 0 ? { driverOpts: options } : {}),
    ...(links.length > 0 ? { links } : {}),
  };
}

/** NetworkingConfig -> network name or id -> request. */
export function decodeNetworkingConfig(value: unknown): Record<string, EndpointRequest> {
  const configs = object(object(value, 'NetworkingConfig')['EndpointsConfig'], 'NetworkingConfig.EndpointsConfig');
  // fromEntries, not assignment: a network named "__proto__" stays a key.
  return Object.fromEntries(Object.entries(configs).map(([network, raw]) => [network, decodeEndpointSettings(raw, `EndpointsConfig.${network}`, true)]));
}
