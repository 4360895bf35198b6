/**
 * Ingress and egress rules of a NetworkPolicy: peers (podSelector + conet's `networks`, ipBlock,
 * Cilium's toFQDNs for egress) and ports (protocol, port, endPort).
 */
import type { FqdnPeer, PolicyDirection, PolicyPeer, PolicyPort, PolicyRule } from '../../model/policy.js';
import { list, obj, onlyFields } from './fields.js';
import { containerSelector } from './selector.js';
import { bad, blockInside, dnsName, dnsPattern, parseBlock, portNumber, protocol } from './values.js';

const NO_NAMESPACES = 'namespaceSelector is not supported: conet has no namespaces (select containers with podSelector and networks)';

function ipBlock(value: unknown, field: string): PolicyPeer {
  const raw = obj(value, field);
  onlyFields(raw, field, ['cidr', 'except']);
  if (raw['cidr'] === undefined) throw bad(`${field}.cidr`, 'is required');
  const block = parseBlock(raw['cidr'], `${field}.cidr`);
  const except = list(raw['except'], `${field}.except`).map((item, i) => {
    const inner = parseBlock(item, `${field}.except[${i}]`);
    if (!blockInside(inner.text, block.text) || inner.text === block.text) {
      throw bad(`${field}.except[${i}]`, `${inner.text} is not strictly inside ${block.text}`);
    }
    return inner.text;
  });
  return { kind: 'ipBlock', cidr: block.text, except };
}

function fqdn(value: unknown, field: string): FqdnPeer {
  const raw = obj(value, field);
  onlyFields(raw, field, ['matchName', 'matchPattern']);
  const hasName = raw['matchName'] !== undefined;
  if (hasName === (raw['matchPattern'] !== undefined)) throw bad(field, 'needs exactly one of matchName or matchPattern');
  const pattern = hasName ? dnsName(raw['matchName'], `${field}.matchName`) : dnsPattern(raw['matchPattern'], `${field}.matchPattern`);
  return { kind: 'fqdn', pattern };
}

/** An empty list given explicitly is refused: it would leave the rule with no peer, i.e. every peer. */
export function fqdnList(value: unknown, field: string): FqdnPeer[] {
  const items = list(value, field);
  if (value !== undefined && value !== null && items.length === 0) throw bad(field, 'must not be empty');
  return items.map((item, i) => fqdn(item, `${field}[${i}]`));
}

function peer(value: unknown, field: string, direction: PolicyDirection): PolicyPeer[] {
  const raw = obj(value, field);
  const known = ['podSelector', 'networks', 'ipBlock', ...(direction === 'egress' ? ['toFQDNs'] : [])];
  onlyFields(raw, field, known, { namespaceSelector: NO_NAMESPACES });
  const present = known.filter((key) => raw[key] !== undefined && raw[key] !== null);
  if (present.length === 0) throw bad(field, `needs one of ${known.join(', ')}`);
  if (raw['ipBlock'] !== undefined && present.length > 1) throw bad(`${field}.ipBlock`, 'cannot be combined with other peer fields');
  if (raw['toFQDNs'] !== undefined && present.length > 1) throw bad(`${field}.toFQDNs`, 'cannot be combined with other peer fields');
  if (raw['ipBlock'] !== undefined) return [ipBlock(raw['ipBlock'], `${field}.ipBlock`)];
  if (raw['toFQDNs'] !== undefined) return fqdnList(raw['toFQDNs'], `${field}.toFQDNs`);
  return [{ kind: 'containers', selector: containerSelector(raw['podSelector'], raw['networks'], `${field}.podSelector`, `${field}.networks`) }];
}

function port(value: unknown, field: string): PolicyPort {
  const raw = obj(value, field);
  onlyFields(raw, field, ['protocol', 'port', 'endPort']);
  const result: PolicyPort = { protocol: protocol(raw['protocol'], `${field}.protocol`) };
  if (raw['port'] !== undefined && raw['port'] !== null) result.port = portNumber(raw['port'], `${field}.port`);
  if (raw['endPort'] !== undefined && raw['endPort'] !== null) {
    if (result.port === undefined) throw bad(`${field}.endPort`, 'needs port');
    const end = portNumber(raw['endPort'], `${field}.endPort`);
    if (end < result.port) throw bad(`${field}.endPort`, `${end} is below port ${result.port}`);
    result.endPort = end;
  }
  return result;
}

/** One entry of spec.ingress (`from`, `ports`) or spec.egress (`to`, `ports`, `toFQDNs`). */
export function rule(value: unknown, field: string, direction: PolicyDirection): PolicyRule {
  const raw = obj(value, field);
  const peersKey = direction === 'ingress' ? 'from' : 'to';
  onlyFields(raw, field, [peersKey, 'ports', ...(direction === 'egress' ? ['toFQDNs'] : [])]);
  const peers = list(raw[peersKey], `${field}.${peersKey}`).flatMap((item, i) => peer(item, `${field}.${peersKey}[${i}]`, direction));
  if (direction === 'egress') peers.push(...fqdnList(raw['toFQDNs'], `${field}.toFQDNs`));
  const ports = list(raw['ports'], `${field}.ports`).map((item, i) => port(item, `${field}.ports[${i}]`));
  return { peers, ports };
}
