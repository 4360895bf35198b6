/**
 * The label shortcuts for compose users (issue 13), compiled into the same PolicySpec as a
 * NetworkPolicy document. The policy selects only the labelled container:
 *   conet.egress=PEER[:PORT[/PROTO]],…   PEER: CIDR, address ([v6] with a port), DNS name, *.domain
 *   conet.ingress=from:KEY=VALUE[:PORT[/PROTO]],…
 *   conet.egress-dns=nxdomain            names outside conet.egress answer NXDOMAIN
 * PORT is N or N-M, PROTO tcp (default), udp or sctp; no port: every port and protocol. Any other
 * `conet.egress*` / `conet.ingress*` label, or a value that doesn't parse, is a 400.
 */
import type { PolicyPeer, PolicyPort, PolicyRule, PolicySpec } from '../../model/policy.js';
import { addressAsBlock, bad, cidr, dnsName, dnsPattern, labelKey, labelValue, portNumber, protocol } from './values.js';

export const EGRESS_LABEL = 'conet.egress';
export const INGRESS_LABEL = 'conet.ingress';
export const EGRESS_DNS_LABEL = 'conet.egress-dns';
const KNOWN = [EGRESS_LABEL, INGRESS_LABEL, EGRESS_DNS_LABEL];
const MAX_ENTRIES = 256;

const field = (label: string, entry: string): string => `label ${label} entry ${JSON.stringify(entry.slice(0, 80))}`;

function ports(text: string | undefined, where: string): PolicyPort[] {
  if (text === undefined) return [];
  const match = /^(\d{1,6})(?:-(\d{1,6}))?(?:\/([A-Za-z]{1,8}))?$/.exec(text);
  if (match === null) throw bad(where, `invalid port ${JSON.stringify(text)} (PORT, PORT-PORT, optionally /tcp, /udp or /sctp)`);
  const port: PolicyPort = { protocol: protocol(match[3], where), port: portNumber(match[1], where) };
  if (match[2] !== undefined) {
    const end = portNumber(match[2], where);
    if (end < (port.port ?? 0)) throw bad(where, `port range ${text} ends below its start`);
    port.endPort = end;
  }
  return [port];
}

/** "10.0.0.0/8:443" -> ["10.0.0.0/8", "443"]; IPv6 with a port is bracketed: "[fd00::/8]:443". */
function splitPeer(entry: string, where: string): [string, string | undefined] {
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']');
    const rest = close < 0 ? '' : entry.slice(close + 1);
    if (close < 0 || (rest !== '' && !rest.startsWith(':'))) throw bad(where, 'bad bracketed IPv6 peer');
    return [entry.slice(1, close), rest === '' ? undefined : rest.slice(1)];
  }
  if (entry.split(':').length > 2) return [entry, undefined];
  const colon = entry.indexOf(':');
  return colon < 0 ? [entry, undefined] : [entry.slice(0, colon), entry.slice(colon + 1)];
}

function egressPeer(text: string, where: string): PolicyPeer {
  if (text.includes('/')) return { kind: 'ipBlock', cidr: cidr(text, where), except: [] };
  const host = addressAsBlock(text);
  if (host !== undefined) return { kind: 'ipBlock', cidr: host, except: [] };
  if (text.includes(':')) throw bad(where, `invalid address ${JSON.stringify(text)}`);
  return { kind: 'fqdn', pattern: text.startsWith('*') ? dnsPattern(text, where) : dnsName(text, where) };
}

function entries(label: string, value: string): string[] {
  const items = value.split(',').map((item) => item.trim());
  if (items.length > MAX_ENTRIES) throw bad(`label ${label}`, `at most ${MAX_ENTRIES} entries`);
  if (items.some((item) => item === '')) throw bad(`label ${label}`, `empty entry in ${JSON.stringify(value.slice(0, 80))}`);
  return items;
}

function egressRules(value: string): PolicyRule[] {
  return entries(EGRESS_LABEL, value).map((entry) => {
    const where = field(EGRESS_LABEL, entry);
    const [peer, port] = splitPeer(entry, where);
    return { peers: [egressPeer(peer, where)], ports: ports(port, where) };
  });
}

function ingressRules(value: string): PolicyRule[] {
  return entries(INGRESS_LABEL, value).map((entry) => {
    const where = field(INGRESS_LABEL, entry);
    if (!entry.startsWith('from:')) throw bad(where, 'must be from:KEY=VALUE[:PORT[/PROTO]]');
    const [selector = '', port, extra] = entry.slice('from:'.length).split(':');
    const equals = selector.indexOf('=');
    if (extra !== undefined || equals <= 0) throw bad(where, 'must be from:KEY=VALUE[:PORT[/PROTO]]');
    const key = labelKey(selector.slice(0, equals), where);
    const labelVal = labelValue(selector.slice(equals + 1), where);
    const peer: PolicyPeer = { kind: 'containers', selector: { labels: { matchLabels: { [key]: labelVal }, matchExpressions: [] }, networks: [] } };
    return { peers: [peer], ports: ports(port, where) };
  });
}

/** The policy a container's labels ask for, selecting only `container` (its id); undefined: none. */
export function decodePolicyLabels(labels: Record<string, string>, container: string): PolicySpec | undefined {
  for (const key of Object.keys(labels)) {
    const ours = key.startsWith(EGRESS_LABEL) || key.startsWith(INGRESS_LABEL);
    if (ours && !KNOWN.includes(key)) throw bad(`label ${key}`, `unknown label (known: ${KNOWN.join(', ')})`);
  }
  const egress = labels[EGRESS_LABEL];
  const ingress = labels[INGRESS_LABEL];
  const dns = labels[EGRESS_DNS_LABEL];
  if (dns !== undefined && dns !== 'nxdomain') throw bad(`label ${EGRESS_DNS_LABEL}`, 'the only value is "nxdomain"');
  if (dns !== undefined && egress === undefined) throw bad(`label ${EGRESS_DNS_LABEL}`, `needs ${EGRESS_LABEL}`);
  if (egress === undefined && ingress === undefined) return undefined;
  return {
    name: `container-${container.slice(0, 12)}`,
    selector: { labels: { matchLabels: {}, matchExpressions: [] }, networks: [], container },
    policyTypes: [...(ingress !== undefined ? (['ingress'] as const) : []), ...(egress !== undefined ? (['egress'] as const) : [])],
    ingress: ingress === undefined ? [] : ingressRules(ingress),
    egress: egress === undefined ? [] : egressRules(egress),
    dnsNxdomain: dns === 'nxdomain',
  };
}
