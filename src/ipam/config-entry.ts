/**
 * Validation of one entry of a create request's IPAM configs (`--subnet`, `--ip-range`,
 * `--gateway`, `--aux-address`). The error table lives in config.ts, which calls this once per
 * entry. The input is typed (the API decoded the JSON); this checks what the values mean.
 */
import { invalid, type EngineError } from '../errors/engine-error.js';
import type { IpamConfigRequest, IpamPoolConfig } from '../model/network.js';
import { formatAddress, parseAddress, showInput, type IpAddress } from './address.js';
import { broadcastAddress, contains, containsCidr, formatCidr, parseCidr, reservedValues, type Cidr } from './cidr.js';
import { defaultGateway } from './allocator.js';

/**
 * A pool config with where its values came from; both flags must be persisted with the network.
 * Docker's inspect hides the gateway of a user-given subnet when the user gave none (S139 `tiny`),
 * and Docker refuses static addresses (--ip) on networks whose subnets were all picked from the
 * default pools (S098).
 */
export interface ResolvedPoolConfig extends IpamPoolConfig {
  /** true when the subnet was picked from the default pools. */
  autoSubnet: boolean;
  /** true when conet chose the gateway (or, on /31 and /32, decided there is none). */
  autoGateway: boolean;
}

function addressProblem(what: string, address: IpAddress, subnet: Cidr, gateway?: IpAddress): EngineError | undefined {
  const shown = `${what}${formatAddress(address)}`;
  if (!contains(subnet, address)) return invalid('address-not-in-subnet', `invalid ${shown}: not in subnet ${formatCidr(subnet)}`);
  const [network] = reservedValues(subnet);
  if (address.value === network) {
    return invalid('reserved-address', `invalid ${shown}: it is the network address of ${formatCidr(subnet)}`);
  }
  if (address.value === broadcastAddress(subnet)?.value) {
    return invalid('reserved-address', `invalid ${shown}: it is the broadcast address of ${formatCidr(subnet)}`);
  }
  if (gateway !== undefined && address.value === gateway.value) {
    return invalid('reserved-address', `invalid ${shown}: it is the gateway address of ${formatCidr(subnet)}`);
  }
  return undefined;
}

function parseAuxAddresses(value: Record<string, string> | undefined, subnet: Cidr, gateway: IpAddress | undefined): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  // fromEntries, not assignment: a name "__proto__" stays a key instead of setting the prototype.
  const result: Record<string, string> = Object.fromEntries(
    Object.entries(value).map(([name, text]) => {
      const address = parseAddress(text);
      const problem = addressProblem(`auxiliary address ${showInput(name)}=`, address, subnet, gateway);
      if (problem !== undefined) throw problem;
      return [name, formatAddress(address)];
    }),
  );
  return Object.keys(result).length === 0 ? undefined : result;
}

/**
 * Validates and completes one Config entry; undefined for an empty entry (`{}`), which asks for
 * nothing. Throws EngineError 'invalid' as listed in config.ts.
 */
export function resolveConfigEntry(entry: IpamConfigRequest, options: { enableIPv6: boolean }): ResolvedPoolConfig | undefined {
  // An empty string asks for nothing, as an absent field does (the CLI sends "" for unset flags).
  const subnetText = entry.subnet || undefined;
  const rangeText = entry.ipRange || undefined;
  const gatewayText = entry.gateway || undefined;
  const auxValue = entry.auxAddresses;
  const hasAux = auxValue !== undefined && Object.keys(auxValue).length > 0;
  if (subnetText === undefined) {
    const orphan = rangeText !== undefined ? `ip-range ${rangeText}` : gatewayText !== undefined ? `gateway ${gatewayText}` : hasAux ? 'auxiliary addresses' : undefined;
    if (orphan === undefined) return undefined;
    throw invalid('missing-subnet', `invalid IPAM config: ${showInput(orphan, { quote: false })} given without a subnet (use --subnet)`);
  }

  const subnet = parseCidr(subnetText);
  if (subnet.family === 6 && !options.enableIPv6) {
    throw invalid('ipv6-not-enabled', `IPv6 subnet ${formatCidr(subnet)} given but IPv6 is not enabled (use --ipv6)`);
  }
  const resolved: ResolvedPoolConfig = { subnet: formatCidr(subnet), autoSubnet: false, autoGateway: gatewayText === undefined };
  if (rangeText !== undefined) {
    const range = parseCidr(rangeText);
    if (!containsCidr(subnet, range)) {
      throw invalid('range-not-in-subnet', `invalid ip-range ${formatCidr(range)}: not in subnet ${formatCidr(subnet)}`);
    }
    resolved.ipRange = formatCidr(range);
  }
  const gateway = gatewayText === undefined ? undefined : parseAddress(gatewayText);
  if (gateway !== undefined) {
    const problem = addressProblem('gateway address ', gateway, subnet);
    if (problem !== undefined) throw problem;
    resolved.gateway = formatAddress(gateway);
  }
  const auxAddresses = parseAuxAddresses(auxValue, subnet, gateway);
  if (auxAddresses !== undefined) resolved.auxAddresses = auxAddresses;
  if (gateway === undefined) {
    // Chosen after the aux addresses are known, so the default gateway never lands on one of them.
    const chosen = defaultGateway(resolved);
    if (chosen !== undefined) resolved.gateway = chosen;
  }
  return resolved;
}
