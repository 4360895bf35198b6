/**
 * The FQDN seam's policy side (model/policy.ts FqdnRuleSource): for the address a DNS query came
 * from, the FQDN rules of every policy that selects that container for egress. The daemon hands
 * this to the embedded resolver, which adds allowed answers to the named sets.
 */
import type { FqdnRuleSet, FqdnRuleSource, NetworkPolicy, PolicyTarget } from '../model/policy.js';
import { fqdnSet4, fqdnSet6 } from './names.js';
import { selects } from './selector.js';

export interface PolicyView {
  policies(): readonly NetworkPolicy[];
  targets(): readonly PolicyTarget[];
}

export function fqdnRulesOf(policy: NetworkPolicy): FqdnRuleSet | undefined {
  if (!policy.policyTypes.includes('egress')) return undefined;
  const patterns = policy.egress.flatMap((rule) => rule.peers.flatMap((peer) => (peer.kind === 'fqdn' ? [peer.pattern] : [])));
  if (patterns.length === 0 && !policy.dnsNxdomain) return undefined;
  return { policyId: policy.id, patterns: [...new Set(patterns)], set4: fqdnSet4(policy.id), set6: fqdnSet6(policy.id), nxdomain: policy.dnsNxdomain };
}

export class PolicyFqdnRules implements FqdnRuleSource {
  constructor(private readonly view: PolicyView) {}

  fqdnRulesFor(clientAddress: string): FqdnRuleSet[] {
    const target = this.view.targets().find((candidate) => candidate.addresses.includes(clientAddress));
    if (target === undefined) return [];
    return this.view.policies().flatMap((policy) => {
      const rules = selects(policy.selector, target) ? fqdnRulesOf(policy) : undefined;
      return rules === undefined ? [] : [rules];
    });
  }
}
