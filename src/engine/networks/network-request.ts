/**
 * Decoding of the `POST /networks/create` body. Everything a client sends is checked for type
 * here, so later steps see plain, valid values (bad input is a 400 that changes nothing).
 */
import { invalid } from '../../errors/index.js';

export interface IpamRequest {
  Driver?: string;
  Options?: Record<string, string> | null;
  Config?: Array<{ Subnet?: string; IPRange?: string; Gateway?: string; AuxiliaryAddresses?: Record<string, string> }>;
}

export interface NetworkCreateRequest {
  name: string;
  driver: string;
  internal: boolean;
  attachable: boolean;
  ingress: boolean;
  enableIPv6: boolean;
  configOnly: boolean;
  configFrom: string;
  scope: string;
  ipam: IpamRequest;
  options: Record<string, string>;
  labels: Record<string, string>;
}

function stringMap(value: unknown, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('request', `${field} must be an object of strings`);
  const result: Record<string, string> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (typeof item !== 'string') throw invalid('request', `${field}.${key} must be a string`);
    result[key] = item;
  }
  return result;
}

function bool(value: unknown, field: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw invalid('request', `${field} must be a boolean`);
  return value;
}

function str(value: unknown, field: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw invalid('request', `${field} must be a string`);
  return value;
}

function ipam(value: unknown): IpamRequest {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('request', 'IPAM must be an object');
  const raw = value as Record<string, unknown>;
  const configs = raw['Config'] ?? [];
  if (!Array.isArray(configs)) throw invalid('request', 'IPAM.Config must be an array');
  return {
    Driver: str(raw['Driver'], 'IPAM.Driver'),
    Options: raw['Options'] === null ? null : stringMap(raw['Options'], 'IPAM.Options'),
    Config: configs.map((config: unknown, index) => {
      if (config === null || typeof config !== 'object' || Array.isArray(config)) {
        throw invalid('request', `IPAM.Config[${index}] must be an object`);
      }
      const entry = config as Record<string, unknown>;
      const decoded: NonNullable<IpamRequest['Config']>[number] = {};
      for (const key of ['Subnet', 'IPRange', 'Gateway'] as const) {
        const text = str(entry[key], `IPAM.Config[${index}].${key}`);
        if (text !== '') decoded[key] = text;
      }
      const aux = stringMap(entry['AuxiliaryAddresses'] ?? entry['AuxAddress'], `IPAM.Config[${index}].AuxiliaryAddresses`);
      if (Object.keys(aux).length > 0) decoded.AuxiliaryAddresses = aux;
      return decoded;
    }),
  };
}

export function decodeNetworkCreate(body: unknown): NetworkCreateRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalid('request', 'request body must be a JSON object');
  const raw = body as Record<string, unknown>;
  const configFrom = raw['ConfigFrom'];
  return {
    name: str(raw['Name'], 'Name'),
    driver: str(raw['Driver'], 'Driver') || 'bridge',
    internal: bool(raw['Internal'], 'Internal'),
    attachable: bool(raw['Attachable'], 'Attachable'),
    ingress: bool(raw['Ingress'], 'Ingress'),
    enableIPv6: bool(raw['EnableIPv6'], 'EnableIPv6'),
    configOnly: bool(raw['ConfigOnly'], 'ConfigOnly'),
    configFrom:
      configFrom && typeof configFrom === 'object' ? str((configFrom as Record<string, unknown>)['Network'], 'ConfigFrom.Network') : '',
    scope: str(raw['Scope'], 'Scope'),
    ipam: ipam(raw['IPAM']),
    options: stringMap(raw['Options'], 'Options'),
    labels: stringMap(raw['Labels'], 'Labels'),
  };
}
