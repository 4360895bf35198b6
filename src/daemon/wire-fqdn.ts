/**
 * FQDN egress allow-lists on the resolver's side: the gate (dns/fqdn-gate.ts) over the policy
 * engine's rules, writing through one long-lived `nft -i` into the daemon's table, with the host's
 * own addresses for the rebinding guard. Wired only when a policy engine supplies rules.
 */
import { FqdnGate, HostAddresses, type FqdnPolicySource } from '../dns/index.js';
import type { LinkPort } from '../kernel/ports.js';
import { NftTimedSets } from '../kernel/linux/timed-sets.js';
import type { Logger } from '../util/logger.js';
import type { DaemonConfig } from './config.js';

export async function wireFqdn(config: DaemonConfig, links: LinkPort, rules: FqdnPolicySource, logger: Logger): Promise<FqdnGate> {
  const host = new HostAddresses(async () => (await links.listAddresses()).map((address) => address.address));
  await host.refresh();
  return new FqdnGate({
    rules,
    sets: new NftTimedSets('inet', config.nftTable),
    minTtlSeconds: config.fqdnMinTtlSeconds,
    hostAddresses: () => host.addresses(),
    onError: (error) => logger.warn('fqdn: allowed addresses not added', { error: String(error) }),
  });
}
