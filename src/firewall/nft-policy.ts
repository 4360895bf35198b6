/**
 * nft text for network policy (issue 13) in table `inet conet`: a pure function from the compiled
 * policy intent to one script, applied as one transaction. Per-packet cost stays flat: a container
 * is looked up in the member sets, then its flow in one concatenated interval set per direction
 * and family (`self . peer . l4proto . dport`), however many policies, rules and containers there
 * are. FQDN rules match their policy's `fqdn4_<id>`/`fqdn6_<id>` sets, which the resolver fills and
 * this script never flushes. Elements come from decoded, typed values only (addresses, numbers).
 */
export interface PolicyAllowElement {
  /** The selected container's address. */
  self: string;
  /** Peer address, CIDR or "A-B" range. */
  peer: string;
  /** IP protocol number or range ("6", "0-255"); undefined for every protocol. */
  proto?: string;
  /** "443", "8000-8080"; undefined for every port. */
  ports?: string;
}

export interface PolicyFqdnRule {
  policyId: string;
  members4: string[];
  members6: string[];
  /** "6 . 443"-style protocol/port pairs; empty: every port and protocol. */
  ports: { proto: number; ports: string }[];
}

export interface PolicyTableIntent {
  members: { ingress4: string[]; ingress6: string[]; egress4: string[]; egress6: string[] };
  allow: { ingress4: PolicyAllowElement[]; ingress6: PolicyAllowElement[]; egress4: PolicyAllowElement[]; egress6: PolicyAllowElement[] };
  fqdn: PolicyFqdnRule[];
  /** FQDN sets to keep (their policies exist); others of ours are deleted. */
  fqdnPolicyIds: string[];
  /** FQDN policy ids whose sets exist in the kernel now (to delete the stale ones). */
  existingFqdnPolicyIds: string[];
}

const T = 'inet conet';

function memberSet(name: string, family: 4 | 6, elements: readonly string[]): string[] {
  const type = family === 4 ? 'ipv4_addr' : 'ipv6_addr';
  const lines = [`add set ${T} ${name} { type ${type}; flags interval; }`, `flush set ${T} ${name}`];
  if (elements.length > 0) lines.push(`add element ${T} ${name} { ${elements.join(', ')} }`);
  return lines;
}

const element = (e: PolicyAllowElement): string => `${e.self} . ${e.peer} . ${e.proto ?? '0-255'} . ${e.ports ?? '0-65535'}`;

function allowSet(name: string, family: 4 | 6, elements: readonly PolicyAllowElement[]): string[] {
  const address = family === 4 ? 'ipv4_addr' : 'ipv6_addr';
  const lines = [`add set ${T} ${name} { type ${address} . ${address} . inet_proto . inet_service; flags interval; }`, `flush set ${T} ${name}`];
  if (elements.length > 0) lines.push(`add element ${T} ${name} { ${elements.map(element).join(', ')} }`);
  return lines;
}

function fqdnRules(rule: PolicyFqdnRule): string[] {
  const ports = rule.ports.length === 0 ? '' : ` meta l4proto . th dport { ${rule.ports.map((p) => `${p.proto} . ${p.ports}`).join(', ')} }`;
  const lines: string[] = [];
  if (rule.members4.length > 0) lines.push(`add rule ${T} pol-egress ip saddr { ${rule.members4.join(', ')} } ip daddr @fqdn4_${rule.policyId}${ports} return`);
  if (rule.members6.length > 0) lines.push(`add rule ${T} pol-egress ip6 saddr { ${rule.members6.join(', ')} } ip6 daddr @fqdn6_${rule.policyId}${ports} return`);
  return lines;
}

function fqdnSets(intent: PolicyTableIntent): string[] {
  return intent.fqdnPolicyIds.flatMap((id) => [
    `add set ${T} fqdn4_${id} { type ipv4_addr; flags timeout; }`,
    `add set ${T} fqdn6_${id} { type ipv6_addr; flags timeout; }`,
  ]);
}

/** After the chains stop naming them: the sets of FQDN policies that are gone. */
function staleFqdnSets(intent: PolicyTableIntent): string[] {
  const keep = new Set(intent.fqdnPolicyIds);
  return intent.existingFqdnPolicyIds.filter((id) => !keep.has(id)).flatMap((id) => [`delete set ${T} fqdn4_${id}`, `delete set ${T} fqdn6_${id}`]);
}

function chains(intent: PolicyTableIntent): string[] {
  return [
    `add chain ${T} pol-forward { type filter hook forward priority -1; policy accept; }`,
    `add chain ${T} pol-egress`,
    `add chain ${T} pol-ingress`,
    `flush chain ${T} pol-forward`,
    `flush chain ${T} pol-egress`,
    `flush chain ${T} pol-ingress`,
    `add rule ${T} pol-forward ct state established,related accept`,
    `add rule ${T} pol-forward ip saddr @pol-eg4 jump pol-egress`,
    `add rule ${T} pol-forward ip6 saddr @pol-eg6 jump pol-egress`,
    `add rule ${T} pol-forward ip daddr @pol-in4 jump pol-ingress`,
    `add rule ${T} pol-forward ip6 daddr @pol-in6 jump pol-ingress`,
    `add rule ${T} pol-egress ip saddr . ip daddr . meta l4proto . th dport @pol-allow-eg4 return`,
    `add rule ${T} pol-egress ip6 saddr . ip6 daddr . meta l4proto . th dport @pol-allow-eg6 return`,
    ...intent.fqdn.flatMap(fqdnRules),
    `add rule ${T} pol-egress drop`,
    `add rule ${T} pol-ingress ip daddr . ip saddr . meta l4proto . th dport @pol-allow-in4 return`,
    `add rule ${T} pol-ingress ip6 daddr . ip6 saddr . meta l4proto . th dport @pol-allow-in6 return`,
    `add rule ${T} pol-ingress drop`,
  ];
}

/** The whole policy part of the table, as one transaction (`nft -f -`). */
export function buildPolicyScript(intent: PolicyTableIntent): string {
  const { members, allow } = intent;
  return [
    `add table ${T}`,
    ...memberSet('pol-in4', 4, members.ingress4),
    ...memberSet('pol-in6', 6, members.ingress6),
    ...memberSet('pol-eg4', 4, members.egress4),
    ...memberSet('pol-eg6', 6, members.egress6),
    ...allowSet('pol-allow-in4', 4, allow.ingress4),
    ...allowSet('pol-allow-in6', 6, allow.ingress6),
    ...allowSet('pol-allow-eg4', 4, allow.egress4),
    ...allowSet('pol-allow-eg6', 6, allow.egress6),
    ...fqdnSets(intent),
    ...chains(intent),
    ...staleFqdnSets(intent),
    '',
  ].join('\n');
}
