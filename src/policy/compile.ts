/**
 * Policies + the containers they see -> the policy part of table `inet conet` (firewall's
 * PolicyTableIntent). Pure. Each selected container's address goes into the member set of each
 * direction it is selected for; each rule becomes elements `self . peer . proto . ports` of the
 * direction's allow set (a peer selector expands to the matching containers' addresses, an
 * ipBlock with except to the ranges left); FQDN peers become rules on the policy's FQDN sets.
 */
import ipaddr from 'ipaddr.js';
import type { PolicyAllowElement, PolicyFqdnRule, PolicyTableIntent } from '../firewall/nft-policy.js';
import type { NetworkPolicy, PolicyDirection, PolicyPeer, PolicyPort, PolicyRule, PolicyTarget } from '../model/policy.js';
import { disjoint, type Box } from './disjoint.js';
import { blockMinus, blockRange, rangeText, type AddressRange } from './ranges.js';
import { selects } from './selector.js';

const PROTO_NUMBERS = { tcp: 6, udp: 17, sctp: 132 } as const;

const familyOf = (address: string): 4 | 6 => (ipaddr.parse(address).kind() === 'ipv4' ? 4 : 6);

function peerRanges(peer: PolicyPeer, targets: readonly PolicyTarget[]): AddressRange[] {
  switch (peer.kind) {
    case 'ipBlock':
      return blockMinus(peer.cidr, peer.except);
    case 'containers':
      return targets.filter((t) => selects(peer.selector, t)).flatMap((t) => t.addresses.map((a) => blockRange(a.includes(':') ? `${a}/128` : `${a}/32`)));
    case 'fqdn':
      return [];
  }
}

function portElements(ports: readonly PolicyPort[]): { proto?: number; ports?: string }[] {
  if (ports.length === 0) return [{}];
  return ports.map((p) => ({
    proto: PROTO_NUMBERS[p.protocol],
    ports: p.port === undefined ? '0-65535' : p.endPort === undefined || p.endPort === p.port ? `${p.port}` : `${p.port}-${p.endPort}`,
  }));
}

function portBoxes(ports: readonly PolicyPort[]): [[bigint, bigint], [bigint, bigint]][] {
  if (ports.length === 0) return [[[0n, 255n], [0n, 65535n]]];
  return ports.map((p) => {
    const proto = BigInt(PROTO_NUMBERS[p.protocol]);
    const range: [bigint, bigint] = p.port === undefined ? [0n, 65535n] : [BigInt(p.port), BigInt(p.endPort ?? p.port)];
    return [[proto, proto], range];
  });
}

const ALL: Record<4 | 6, AddressRange> = { 4: blockRange('0.0.0.0/0'), 6: blockRange('::/0') };

function ruleBoxes(rule: PolicyRule, family: 4 | 6, targets: readonly PolicyTarget[]): Box[] {
  const ranges = rule.peers.length === 0 ? [ALL[family]] : rule.peers.flatMap((p) => peerRanges(p, targets));
  const ports = portBoxes(rule.ports);
  return ranges.filter((r) => r.family === family).flatMap((r) => ports.map(([proto, port]) => ({ dims: [[r.start, r.end], proto, port] as Box['dims'] })));
}

const span = ([lo, hi]: [bigint, bigint]): string => (lo === hi ? `${lo}` : `${lo}-${hi}`);

/** The allow elements of one selected address: the union of its rules' boxes, made disjoint. */
function selfElements(self: string, rules: readonly PolicyRule[], targets: readonly PolicyTarget[]): PolicyAllowElement[] {
  const family = familyOf(self);
  const boxes = disjoint(rules.flatMap((rule) => ruleBoxes(rule, family, targets)));
  return boxes.map(({ dims: [peer, proto, port] }) => ({ self, peer: rangeText({ family, start: peer[0], end: peer[1] }), proto: span(proto), ports: span(port) }));
}

function fqdnRule(policy: NetworkPolicy, rule: PolicyRule, selves: readonly string[]): PolicyFqdnRule | undefined {
  if (!rule.peers.some((peer) => peer.kind === 'fqdn')) return undefined;
  const ports = portElements(rule.ports).flatMap((p) => (p.proto === undefined ? [] : [{ proto: p.proto, ports: p.ports ?? '0-65535' }]));
  return { policyId: policy.id, members4: selves.filter((a) => familyOf(a) === 4), members6: selves.filter((a) => familyOf(a) === 6), ports };
}

function emptyIntent(existingFqdnPolicyIds: string[]): PolicyTableIntent {
  return {
    members: { ingress4: [], ingress6: [], egress4: [], egress6: [] },
    allow: { ingress4: [], ingress6: [], egress4: [], egress6: [] },
    fqdn: [],
    fqdnPolicyIds: [],
    existingFqdnPolicyIds,
  };
}

type Slot = 'ingress4' | 'ingress6' | 'egress4' | 'egress6';
const slot = (direction: PolicyDirection, address: string): Slot => `${direction}${familyOf(address)}` as Slot;

/** Adds a policy's members and FQDN rules; returns its rules per selected address for `direction`. */
function addDirection(intent: PolicyTableIntent, policy: NetworkPolicy, direction: PolicyDirection, targets: readonly PolicyTarget[]): string[] {
  const selves = [...new Set(targets.filter((t) => selects(policy.selector, t)).flatMap((t) => t.addresses))];
  for (const self of selves) intent.members[slot(direction, self)].push(self);
  if (direction === 'egress') {
    for (const rule of policy.egress) {
      const fqdn = fqdnRule(policy, rule, selves);
      if (fqdn !== undefined) intent.fqdn.push(fqdn);
    }
  }
  return selves;
}

export function compilePolicies(policies: readonly NetworkPolicy[], targets: readonly PolicyTarget[], existingFqdnPolicyIds: string[] = []): PolicyTableIntent {
  const intent = emptyIntent(existingFqdnPolicyIds);
  const rulesOf = { ingress: new Map<string, PolicyRule[]>(), egress: new Map<string, PolicyRule[]>() };
  for (const policy of policies) {
    for (const direction of policy.policyTypes) {
      for (const self of addDirection(intent, policy, direction, targets)) {
        const list = rulesOf[direction].get(self) ?? [];
        list.push(...(direction === 'ingress' ? policy.ingress : policy.egress));
        rulesOf[direction].set(self, list);
      }
    }
    if (policy.egress.some((rule) => rule.peers.some((peer) => peer.kind === 'fqdn'))) intent.fqdnPolicyIds.push(policy.id);
  }
  for (const direction of ['ingress', 'egress'] as const) {
    for (const [self, rules] of rulesOf[direction]) intent.allow[slot(direction, self)].push(...selfElements(self, rules, targets));
  }
  for (const key of ['ingress4', 'ingress6', 'egress4', 'egress6'] as const) intent.members[key] = [...new Set(intent.members[key])];
  return intent;
}
