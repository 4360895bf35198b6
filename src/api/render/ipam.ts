/**
 * The `IPAM.Config` entries as Docker's inspect shows them. Docker echoes the user's request and
 * only adds what it chose itself when the subnet was its own pick: a user-given subnet without a
 * gateway shows no Gateway (S139: `{"Subnet": "10.97.0.0/30"}`), a picked one shows both.
 */
import type { IpamPoolConfig } from '../../model/network.js';

/** One `IPAM.Config` entry of the Docker API, key order as Docker prints it. */
export interface DockerIpamConfig {
  Subnet: string;
  IPRange?: string;
  Gateway?: string;
  AuxiliaryAddresses?: Record<string, string>;
}

/**
 * Renders a pool config for `GET /networks/{id}`. Configs without provenance flags (plain
 * IpamPoolConfig) are shown as stored.
 */
export function toDockerIpamConfig(config: IpamPoolConfig): DockerIpamConfig {
  const hideGateway = config.autoGateway === true && config.autoSubnet !== true;
  return {
    Subnet: config.subnet,
    ...(config.ipRange === undefined ? {} : { IPRange: config.ipRange }),
    ...(config.gateway === undefined || hideGateway ? {} : { Gateway: config.gateway }),
    ...(config.auxAddresses === undefined ? {} : { AuxiliaryAddresses: { ...config.auxAddresses } }),
  };
}
