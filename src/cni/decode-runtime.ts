/**
 * `runtimeConfig`: the capabilities conet declares (portMappings, ips, mac, ipRanges), decoded
 * into typed values. Keys of capabilities conet doesn't declare are ignored, as the spec asks.
 */
import type { AttachmentPortRequest } from '../engine/attachments/attachment.js';
import type { PortProtocol } from '../model/port.js';
import { CNI_CODES, cniError } from './cni-error.js';
import { bad, cidr, integerIn, ipAddress, isObject, macAddress, optionalString, type JsonObject } from './json-values.js';

export interface RuntimeRequest {
  ports: AttachmentPortRequest[];
  ipv4Address?: string;
  ipv6Address?: string;
  macAddress?: string;
  /** ipRanges: the first range set, used when the network is made. */
  range?: { subnet: string; gateway?: string };
}

const PROTOCOLS: readonly PortProtocol[] = ['tcp', 'udp', 'sctp'];

function portMapping(value: unknown): AttachmentPortRequest {
  if (!isObject(value)) throw bad('runtimeConfig.portMappings[]', value, 'an object');
  const protocol = (optionalString(value, 'protocol') ?? 'tcp').toLowerCase();
  if (!(PROTOCOLS as readonly string[]).includes(protocol)) throw bad('portMappings protocol', protocol, 'tcp, udp or sctp');
  const hostIp = value['hostIP'] === undefined || value['hostIP'] === '' ? '' : ipAddress(value['hostIP'], 'portMappings hostIP');
  return {
    hostPort: integerIn(value['hostPort'], 'portMappings hostPort', 1, 65535),
    containerPort: integerIn(value['containerPort'], 'portMappings containerPort', 1, 65535),
    protocol: protocol as PortProtocol,
    hostIp,
  };
}

function addresses(value: unknown, request: RuntimeRequest): void {
  if (!Array.isArray(value) || value.length > 2) throw bad('runtimeConfig.ips', value, 'at most one address per family');
  for (const entry of value) {
    const address = typeof entry === 'string' && entry.includes('/') ? (cidr(entry, 'runtimeConfig.ips[]').split('/')[0] ?? '') : ipAddress(entry, 'runtimeConfig.ips[]');
    const field = address.includes(':') ? 'ipv6Address' : 'ipv4Address';
    if (request[field] !== undefined) throw bad('runtimeConfig.ips', value, 'at most one address per family');
    request[field] = address;
  }
}

function ranges(value: unknown): RuntimeRequest['range'] {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const first: unknown = Array.isArray(value[0]) ? value[0][0] : undefined;
  if (!isObject(first)) throw bad('runtimeConfig.ipRanges', value, 'a list of range sets');
  if (first['rangeStart'] !== undefined || first['rangeEnd'] !== undefined) {
    throw cniError(CNI_CODES.unsupportedField, 'ipRanges rangeStart/rangeEnd are not supported: give the subnet (and gateway)');
  }
  const gateway = first['gateway'] === undefined ? undefined : ipAddress(first['gateway'], 'ipRanges gateway');
  return { subnet: cidr(first['subnet'], 'ipRanges subnet'), ...(gateway ? { gateway } : {}) };
}

export function decodeRuntimeConfig(config: JsonObject): RuntimeRequest {
  const raw = config['runtimeConfig'];
  if (raw === undefined) return { ports: [] };
  if (!isObject(raw)) throw bad('runtimeConfig', raw, 'an object');
  const mappings = raw['portMappings'] ?? [];
  if (!Array.isArray(mappings) || mappings.length > 1024) throw bad('runtimeConfig.portMappings', mappings, 'a list of at most 1024 mappings');
  const request: RuntimeRequest = { ports: mappings.map(portMapping) };
  if (raw['ips'] !== undefined) addresses(raw['ips'], request);
  if (raw['mac'] !== undefined && raw['mac'] !== '') request.macAddress = macAddress(raw['mac'], 'runtimeConfig.mac');
  const range = ranges(raw['ipRanges']);
  if (range) request.range = range;
  return request;
}
