/**
 * The one evaluator of policy intent (issue 13 item 5): a flow in, the deciding policy and rule
 * (or the default) out, for each direction. `conet policy explain` and `conet trace` share it; the
 * nft tables compiled from the same policies must agree with it (the e2e matrix checks both).
 *
 * Kubernetes semantics: a flow passes when the source's egress side and the destination's
 * ingress side both allow it. A side whose container no policy selects for that direction
 * allows everything (Docker's behaviour); a selected side allows what any selecting policy's rule
 * allows, else it is denied by default. DNS to the embedded resolver is always allowed (not a
 * flow between policy ends, so not judged here).
 */
import ipaddr from 'ipaddr.js';
import type { NetworkPolicy, PolicyDirection, PolicyPeer, PolicyPort, PolicyTarget } from '../model/policy.js';
import { fqdnMatches } from '../util/policy/index.js';
import { selects } from './selector.js';

export interface FlowEnd {
  address: string;
  /** The container behind the address, when it is one conet knows. */
  target?: PolicyTarget;
  /** The DNS name the address was resolved from (an FQDN peer matches only through it). */
  name?: string;
}

export interface FlowIntent {
  source: FlowEnd;
  destination: FlowEnd;
  protocol: 'tcp' | 'udp' | 'sctp' | 'icmp';
  port?: number;
}

export interface SideDecision {
  direction: PolicyDirection;
  verdict: 'allow' | 'deny';
  reason: 'not-selected' | 'rule' | 'default-deny';
  /** The allowing policy's name and the index of its rule in that direction. */
  policy?: string;
  rule?: number;
  /** Names of the policies selecting the container for this direction. */
  selectedBy: string[];
}

export interface Explanation {
  verdict: 'allow' | 'deny';
  egress: SideDecision;
  ingress: SideDecision;
}

function inBlock(address: string, cidr: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  const block = ipaddr.parseCIDR(cidr);
  return parsed.kind() === block[0].kind() && parsed.match(block);
}

function peerMatches(peer: PolicyPeer, end: FlowEnd): boolean {
  switch (peer.kind) {
    case 'ipBlock':
      return inBlock(end.address, peer.cidr) && !peer.except.some((block) => inBlock(end.address, block));
    case 'containers':
      return end.target !== undefined && selects(peer.selector, end.target);
    case 'fqdn':
      return end.name !== undefined && fqdnMatches(peer.pattern, end.name);
  }
}

function portMatches(port: PolicyPort, intent: FlowIntent): boolean {
  if (intent.protocol === 'icmp' || port.protocol !== intent.protocol) return false;
  if (port.port === undefined) return true;
  if (intent.port === undefined) return false;
  return intent.port >= port.port && intent.port <= (port.endPort ?? port.port);
}

function decideSide(policies: readonly NetworkPolicy[], direction: PolicyDirection, self: FlowEnd, peer: FlowEnd, intent: FlowIntent): SideDecision {
  const target = self.target;
  const selecting = target === undefined ? [] : policies.filter((policy) => policy.policyTypes.includes(direction) && selects(policy.selector, target));
  const selectedBy = selecting.map((policy) => policy.name);
  if (selecting.length === 0) return { direction, verdict: 'allow', reason: 'not-selected', selectedBy };
  for (const policy of selecting) {
    const rules = direction === 'ingress' ? policy.ingress : policy.egress;
    const index = rules.findIndex(
      (rule) => (rule.peers.length === 0 || rule.peers.some((p) => peerMatches(p, peer))) && (rule.ports.length === 0 || rule.ports.some((p) => portMatches(p, intent))),
    );
    if (index >= 0) return { direction, verdict: 'allow', reason: 'rule', policy: policy.name, rule: index, selectedBy };
  }
  return { direction, verdict: 'deny', reason: 'default-deny', selectedBy };
}

export function explainFlow(policies: readonly NetworkPolicy[], intent: FlowIntent): Explanation {
  const egress = decideSide(policies, 'egress', intent.source, intent.destination, intent);
  const ingress = decideSide(policies, 'ingress', intent.destination, intent.source, intent);
  return { verdict: egress.verdict === 'allow' && ingress.verdict === 'allow' ? 'allow' : 'deny', egress, ingress };
}
