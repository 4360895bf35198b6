/**
 * Validating and completing a network's IPAM request, as Docker's daemon does on
 * `POST /networks/create`: check each config entry, refuse overlaps, pick a subnet from the default
 * pools when no IPv4 subnet is given, choose gateways. The request arrives typed: the API's
 * decoder (api/decode/ipam.ts) refuses JSON of the wrong shape before IPAM sees it (invalid,
 * code `request`, e.g. "IPAM.Config must be an array"), so this table lists what the values mean.
 *
 * | rule                                                   | kind      | code                  | message (example)                                                                           |
 * |--------------------------------------------------------|-----------|-----------------------|---------------------------------------------------------------------------------------------|
 * | IPAM driver other than "" / "default"                  | not-found | ipam-driver-not-found | plugin "foo" not found                                                                      |
 * | IPRange, Gateway or aux addresses without a Subnet     | invalid   | missing-subnet        | invalid IPAM config: gateway 10.1.1.1 given without a subnet (use --subnet)                 |
 * | Subnet / IPRange not a CIDR                            | invalid   | invalid-cidr          | invalid CIDR address: 10.99.0/24                                                            |
 * | Gateway / aux address not an IP address                | invalid   | invalid-address       | invalid IP address: "foo"                                                                   |
 * | IPv6 subnet without EnableIPv6                         | invalid   | ipv6-not-enabled      | IPv6 subnet 2001:db8::/64 given but IPv6 is not enabled (use --ipv6)                        |
 * | IPRange not inside its subnet                          | invalid   | range-not-in-subnet   | invalid ip-range 10.1.0.0/25: not in subnet 10.99.0.0/24                                    |
 * | gateway / aux address not inside the subnet            | invalid   | address-not-in-subnet | invalid gateway address 10.1.1.1: not in subnet 10.99.0.0/24                                |
 * | gateway / aux = network or broadcast, aux = gateway    | invalid   | reserved-address      | invalid gateway address 10.99.0.0: it is the network address of 10.99.0.0/24                |
 * | two entries overlapping each other                     | invalid   | overlapping-subnets   | multiple overlapping subnet configuration is not supported: 10.0.0.0/16 and 10.0.1.0/24     |
 * | a subnet overlapping an existing network's subnet      | forbidden | pool-overlap          | Pool overlaps with other one on this address space                                          |
 * | nothing free in the pools (IPv4, or IPv6 when enabled) | system    | pool-exhausted        | could not find an available, non-overlapping IPv4 address pool among the defaults to ...    |
 *
 * Docker 20.10 reports the gateway, ip-range and aux-address cases late and as 500s ("failed to
 * allocate gateway"); conet refuses them up front as 400s with the value and subnet named. The
 * forbidden and system rows keep Docker's exact messages and statuses (S130 in the recording).
 *
 * The driver name and options (--ipam-opt) are not rewritten: callers store them as given.
 *
 * Result order is Docker's: IPv4 entries (given, else the picked one), then IPv6 entries. As in
 * Docker 20.10, EnableIPv6 without an IPv6 subnet picks from the pools' IPv6 entries, and the
 * built-in pools have none, so that fails unless daemon.json adds IPv6 default-address-pools.
 */
import { EngineError, invalid, notFound } from '../errors/engine-error.js';
import { showInput } from './address.js';
import { overlaps, tryParseCidr } from './cidr.js';
import { defaultGateway } from './allocator.js';
import type { IpamRequest } from '../model/network.js';
import { resolveConfigEntry, type ResolvedPoolConfig } from './config-entry.js';
import { DEFAULT_ADDRESS_POOLS, pickSubnet, type AddressPool } from './pools.js';

export type { ResolvedPoolConfig } from './config-entry.js';

export interface ResolveIpamOptions {
  /** Subnets of every existing network (both families), including the default bridge's. */
  existingSubnets: readonly string[];
  /** Host routes and addresses a picked subnet must not overlap (user-given subnets may). */
  avoid?: readonly string[];
  /** Default DEFAULT_ADDRESS_POOLS; daemon.json's default-address-pools after validateAddressPools. */
  pools?: readonly AddressPool[];
  enableIPv6: boolean;
  /** false: an IPv6-only network, no IPv4 pool (absent means true). */
  enableIPv4?: boolean;
}

const SUPPORTED_DRIVERS = new Set(['', 'default']);

function ensureNoOverlap(configs: readonly ResolvedPoolConfig[], existingSubnets: readonly string[]): void {
  configs.forEach((config, index) => {
    const other = configs.slice(index + 1).find((later) => overlaps(config.subnet, later.subnet));
    if (other !== undefined) {
      throw invalid('overlapping-subnets', `multiple overlapping subnet configuration is not supported: ${config.subnet} and ${other.subnet}`);
    }
  });
  for (const config of configs) {
    // Unparsable stored subnets are skipped: a corrupt record must not block every new network.
    const clash = existingSubnets.some((text) => {
      const existing = tryParseCidr(text);
      return existing !== undefined && overlaps(config.subnet, existing);
    });
    if (clash) throw new EngineError('forbidden', 'pool-overlap', 'Pool overlaps with other one on this address space');
  }
}

function picked(pools: readonly AddressPool[], family: 4 | 6, used: readonly string[], avoid: readonly string[]): ResolvedPoolConfig {
  const subnet = pickSubnet(pools, { used, avoid, family });
  const gateway = defaultGateway({ subnet });
  return { subnet, ...(gateway === undefined ? {} : { gateway }), autoSubnet: true, autoGateway: true };
}

/**
 * Validates and completes an IPAM request into the network's pool configs (model `Ipam.configs`).
 * Persist the returned objects whole: their autoSubnet/autoGateway flags drive Docker's rendering
 * (toDockerIpamConfig) and the static-address rule. Throws EngineError as in the table at the top.
 */
export function resolveIpam(request: Pick<IpamRequest, 'driver' | 'configs'>, options: ResolveIpamOptions): ResolvedPoolConfig[] {
  if (!SUPPORTED_DRIVERS.has(request.driver)) {
    throw notFound('ipam-driver-not-found', `plugin ${showInput(request.driver)} not found`);
  }
  const given = request.configs.flatMap((entry) => resolveConfigEntry(entry, { enableIPv6: options.enableIPv6 }) ?? []);
  ensureNoOverlap(given, options.existingSubnets);

  const pools = options.pools ?? DEFAULT_ADDRESS_POOLS;
  const used = [...options.existingSubnets, ...given.map((config) => config.subnet)];
  const avoid = options.avoid ?? [];
  const family = (config: ResolvedPoolConfig): 4 | 6 => (config.subnet.includes(':') ? 6 : 4);
  const ipv4 = given.filter((config) => family(config) === 4);
  const ipv6 = given.filter((config) => family(config) === 6);
  if (options.enableIPv4 === false && ipv4.length > 0) {
    throw invalid('ipv4-disabled', `IPv4 is disabled on this network (--ipv4=false) but an IPv4 subnet was given: ${ipv4[0]?.subnet ?? ''}`);
  }
  if (options.enableIPv4 !== false && ipv4.length === 0) ipv4.push(picked(pools, 4, used, avoid));
  if (options.enableIPv6 && ipv6.length === 0) ipv6.push(picked(pools, 6, used, avoid));
  return [...ipv4, ...ipv6];
}
