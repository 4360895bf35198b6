/**
 * The `IPAM` object of `POST /networks/create`, decoded from Docker's wire shape
 * (`{Driver, Options, Config: [{Subnet, IPRange, Gateway, AuxiliaryAddresses}]}`) into the typed
 * request IPAM validates. Only JSON types are checked here; what the addresses mean is IPAM's.
 */
import { invalid } from '../../errors/index.js';
import type { IpamConfigRequest, IpamRequest } from '../../model/network.js';
import { isObject, stringField, stringMapField } from './json-fields.js';

function decodeConfig(value: unknown, index: number): IpamConfigRequest {
  if (!isObject(value)) throw invalid('request', `IPAM.Config[${index}] must be an object`);
  const field = (key: string): string => stringField(value[key], `IPAM.Config[${index}].${key}`);
  const config: IpamConfigRequest = {};
  // "" is what the CLI sends for a flag not given: the same as absent.
  const subnet = field('Subnet');
  if (subnet !== '') config.subnet = subnet;
  const ipRange = field('IPRange');
  if (ipRange !== '') config.ipRange = ipRange;
  const gateway = field('Gateway');
  if (gateway !== '') config.gateway = gateway;
  // AuxAddress is the field's name in Docker's Go type; clients may send either.
  const aux = stringMapField(value['AuxiliaryAddresses'] ?? value['AuxAddress'], `IPAM.Config[${index}].AuxiliaryAddresses`);
  if (Object.keys(aux).length > 0) config.auxAddresses = aux;
  return config;
}

export function decodeIpam(value: unknown): IpamRequest {
  if (value === undefined || value === null) return { driver: 'default', options: {}, configs: [] };
  if (!isObject(value)) throw invalid('request', 'IPAM must be an object');
  const configs = value['Config'] ?? [];
  if (!Array.isArray(configs)) throw invalid('request', 'IPAM.Config must be an array');
  return {
    driver: stringField(value['Driver'], 'IPAM.Driver') || 'default',
    options: stringMapField(value['Options'], 'IPAM.Options'),
    configs: configs.map((config: unknown, index) => decodeConfig(config, index)),
  };
}
