/**
 * Which addresses of a forwarded answer an FQDN allow-list admits. Only records on the CNAME
 * chain that starts at the question's name count (an upstream's unrelated extra records are
 * ignored), and an address counts when its own name or a name before it on the chain matches a
 * pattern. Its TTL is the smallest along the chain up to it. Addresses are re-rendered from
 * their parsed form, so only canonical address text leaves this file.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type * as packet from 'dns-packet';
import ipaddr from 'ipaddr.js';
import { canonicalName, matchesAny } from './fqdn-match.js';

/** CNAME hops followed at most; a longer (or looping) chain stops there. */
const MAX_CHAIN = 16;

export interface AdmittedAddress {
  address: string;
  family: 4 | 6;
  /** Seconds, from the answer (before any floor). */
  ttl: number;
}

interface Hop {
  name: string;
  matched: boolean;
  ttl: number;
}

export function admittedAddresses(answers: readonly packet.Answer[], question: string, patterns: readonly string[]): AdmittedAddress[] {
  const chain = cnameChain(answers, question, patterns);
  const admitted: AdmittedAddress[] = [];
  for (const record of answers) {
    if (record.type !== 'A' && record.type !== 'AAAA') continue;
    const hop = chain.get(canonicalName(String(record.name)));
    if (!hop?.matched) continue;
    const address = canonicalAddress((record as { data?: unknown }).data, record.type === 'A' ? 4 : 6);
    if (address === undefined) continue;
    admitted.push({ address, family: record.type === 'A' ? 4 : 6, ttl: Math.min(hop.ttl, ttlOf(record)) });
  }
  return admitted;
}

/** Names on the chain from the question, each with whether it or a name before it matched. */
function cnameChain(answers: readonly packet.Answer[], question: string, patterns: readonly string[]): Map<string, Hop> {
  const chain = new Map<string, Hop>();
  let name = canonicalName(question);
  let hop: Hop = { name, matched: matchesAny(name, patterns), ttl: Number.MAX_SAFE_INTEGER };
  chain.set(name, hop);
  for (let step = 0; step < MAX_CHAIN; step += 1) {
    const cname = answers.find((record) => record.type === 'CNAME' && canonicalName(String(record.name)) === name);
    const target = (cname as { data?: unknown } | undefined)?.data;
    if (!cname || typeof target !== 'string') break;
    name = canonicalName(target);
    if (chain.has(name)) break;
    hop = { name, matched: hop.matched || matchesAny(name, patterns), ttl: Math.min(hop.ttl, ttlOf(cname)) };
    chain.set(name, hop);
  }
  return chain;
}

function ttlOf(record: packet.Answer): number {
  const ttl = (record as { ttl?: unknown }).ttl;
  return typeof ttl === 'number' && Number.isFinite(ttl) && ttl >= 0 ? ttl : 0;
}

function canonicalAddress(data: unknown, family: 4 | 6): string | undefined {
  if (typeof data !== 'string') return undefined;
  if (family === 4 ? !isIPv4(data) : !isIPv6(data)) return undefined;
  return ipaddr.parse(data).toString();
}
