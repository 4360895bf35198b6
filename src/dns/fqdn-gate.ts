/**
 * FQDN egress allow-lists on the resolver's side (issue 13 item 4). The policy engine compiles
 * each policy with FQDN peers into nft sets (`fqdn4_<id>`, `fqdn6_<id>`, flags timeout) that its
 * egress rules allow; this gate fills them. For a client some rule covers, the addresses of an
 * allowed forwarded answer are added to each covering policy's set, with the answer's TTL floored
 * at `fqdn-min-ttl`, and awaited before the answer goes back: the client's first connection
 * finds them. Names outside every list resolve as usual (the firewall stops them), or NXDOMAIN
 * when a rule says so. dns/ knows policies only through FqdnPolicySource (no import of policy/).
 */
import * as packet from 'dns-packet';
import { admittedAddresses } from './fqdn-answer.js';
import { matchesAny } from './fqdn-match.js';
import { isRebinding } from './fqdn-rebinding.js';
import type { FqdnClientGate } from './resolver.js';

/** One policy's FQDN egress peers as they apply to a client (the seam with src/policy). */
export interface FqdnRule {
  policyId: string;
  patterns: readonly string[];
  /** nft set names in the daemon's table (ipv4_addr and ipv6_addr, flags timeout). */
  set4: string;
  set6: string;
  /** `conet.egress-dns=nxdomain`: names outside the list get NXDOMAIN. */
  nxdomain: boolean;
}

/** The policy engine's side of the seam (model/policy.ts's FqdnRuleSource has this shape). */
export interface FqdnPolicySource {
  fqdnRulesFor(clientAddress: string): readonly FqdnRule[];
}

export interface FqdnElement {
  set: string;
  address: string;
  timeoutSeconds: number;
}

/** Adds (or refreshes) timed elements; the kernel side batches concurrent calls. */
export interface FqdnSetWriter {
  addTimed(elements: readonly FqdnElement[]): Promise<void>;
  close?(): void;
}

export interface FqdnGateDeps {
  rules: FqdnPolicySource;
  sets: FqdnSetWriter;
  /** `fqdn-min-ttl`, seconds. */
  minTtlSeconds: number;
  /** The daemon namespace's own addresses, canonical text (rebinding guard). */
  hostAddresses(): ReadonlySet<string>;
  now?(): number;
  onError?(error: unknown): void;
}

/** Known expiries kept before a sweep of the expired ones. */
const SWEEP_AT = 65_536;
/** nft's timeouts are 32-bit milliseconds; a day is plenty for a DNS answer. */
const MAX_TIMEOUT_SECONDS = 86_400;

export class FqdnGate {
  /** `set address` -> when its element expires (ms): a shorter answer never shortens it. */
  private readonly expiries = new Map<string, number>();

  constructor(private readonly deps: FqdnGateDeps) {}

  /**
   * The rules covering a client with these addresses (each policy once); undefined when none
   * does, and the resolver does as it always did.
   */
  forClient(addresses: readonly string[]): FqdnClientGate | undefined {
    const byPolicy = new Map<string, FqdnRule>();
    for (const address of addresses) for (const rule of this.deps.rules.fqdnRulesFor(address)) byPolicy.set(rule.policyId, rule);
    if (byPolicy.size === 0) return undefined;
    const rules = [...byPolicy.values()];
    return {
      refuses: (name) => rules.some((rule) => rule.nxdomain) && !rules.some((rule) => matchesAny(name, rule.patterns)),
      admit: (name, response) => this.admit(rules, name, response),
    };
  }

  close(): void {
    this.deps.sets.close?.();
  }

  private async admit(rules: readonly FqdnRule[], name: string, response: Buffer): Promise<boolean> {
    let answers: packet.Answer[];
    try {
      answers = packet.decode(response).answers ?? [];
    } catch {
      // An answer we can't decode adds nothing (and goes back as the upstream sent it).
      return true;
    }
    const elements = this.elementsFor(rules, answers, name);
    if (elements.length === 0) return true;
    try {
      await this.deps.sets.addTimed(elements);
      return true;
    } catch (error) {
      this.deps.onError?.(error);
      return false;
    }
  }

  private elementsFor(rules: readonly FqdnRule[], answers: readonly packet.Answer[], name: string): FqdnElement[] {
    const now = this.deps.now?.() ?? Date.now();
    const host = this.deps.hostAddresses();
    const elements: FqdnElement[] = [];
    for (const rule of rules) {
      for (const found of admittedAddresses(answers, name, rule.patterns)) {
        if (isRebinding(found.address, host)) continue;
        const set = found.family === 4 ? rule.set4 : rule.set6;
        elements.push({ set, address: found.address, timeoutSeconds: this.timeoutFor(set, found.address, found.ttl, now) });
      }
    }
    return elements;
  }

  /** The TTL floored at fqdn-min-ttl, or what the element still has if that is longer. */
  private timeoutFor(set: string, address: string, ttl: number, now: number): number {
    const wanted = Math.min(MAX_TIMEOUT_SECONDS, Math.max(this.deps.minTtlSeconds, Math.ceil(ttl), 1));
    const key = `${set} ${address}`;
    const known = this.expiries.get(key);
    const seconds = known !== undefined && known > now + wanted * 1000 ? Math.ceil((known - now) / 1000) : wanted;
    if (this.expiries.size >= SWEEP_AT) this.sweep(now);
    this.expiries.set(key, now + seconds * 1000);
    return seconds;
  }

  private sweep(now: number): void {
    for (const [key, expires] of this.expiries) if (expires <= now) this.expiries.delete(key);
    // Still full of live entries: forget them (a later shorter answer may then shorten one).
    if (this.expiries.size >= SWEEP_AT) this.expiries.clear();
  }
}
