/**
 * TimedSetPort over a long-lived `nft -i` (nft-session.ts): the resolver adds the addresses of
 * allowed DNS answers here before answering, so this is on a query's path. Calls that arrive
 * while a batch is in nft wait and then go together as one transaction (one line for nft), so a
 * burst of answers costs one round trip per batch rather than one per answer. A batch nft refuses
 * (a set deleted meanwhile) is retried set by set, so only the callers of the bad set fail.
 * `add element` on an element that exists resets its timeout (kernel 6.x); the caller never asks
 * for less than an element still has.
 */
import { isIP } from 'node:net';
import { invalid } from '../../errors/index.js';
import type { NetnsTarget, TimedSetElement, TimedSetPort } from '../ports.js';
import { NftSession } from './nft-session.js';

/** nft names: up to 255 characters (NFT_NAME_MAXLEN); policy sets are `fqdn4_` + a 64-hex id. */
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]{0,254}$/;
const MAX_TIMEOUT_SECONDS = 2_000_000;

interface Waiter {
  elements: readonly TimedSetElement[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class NftTimedSets implements TimedSetPort {
  private readonly session: NftSession;
  private queued: Waiter[] = [];
  private busy = false;

  constructor(private readonly family: string, private readonly table: string, target?: NetnsTarget) {
    if (!IDENTIFIER.test(family) || !IDENTIFIER.test(table)) throw invalid('nft-table', `invalid nft table "${family} ${table}"`);
    this.session = new NftSession(target);
  }

  addTimed(elements: readonly TimedSetElement[]): Promise<void> {
    try {
      elements.forEach(checkElement);
    } catch (error) {
      return Promise.reject(error);
    }
    if (elements.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queued.push({ elements, resolve, reject });
      if (!this.busy) void this.drain();
    });
  }

  close(): void {
    this.session.close();
  }

  private async drain(): Promise<void> {
    this.busy = true;
    while (this.queued.length > 0) {
      const batch = this.queued;
      this.queued = [];
      await this.apply(batch);
    }
    this.busy = false;
  }

  private async apply(batch: readonly Waiter[]): Promise<void> {
    try {
      await this.session.run(this.script(batch.flatMap((waiter) => waiter.elements)));
      batch.forEach((waiter) => waiter.resolve());
      return;
    } catch (error) {
      if (batch.length === 1) return batch[0]?.reject(error);
    }
    // One bad set must not fail everyone's answer: each caller's elements on their own.
    for (const waiter of batch) {
      await this.session.run(this.script(waiter.elements)).then(waiter.resolve, waiter.reject);
    }
  }

  /** One `add element` per set, all in one nft line (one transaction). */
  private script(elements: readonly TimedSetElement[]): string {
    const bySet = new Map<string, string[]>();
    for (const element of elements) {
      const list = bySet.get(element.set) ?? [];
      list.push(`${element.address} timeout ${element.timeoutSeconds}s`);
      bySet.set(element.set, list);
    }
    return [...bySet].map(([set, items]) => `add element ${this.family} ${this.table} ${set} { ${items.join(', ')} }`).join('\n');
  }
}

function checkElement(element: TimedSetElement): void {
  if (!IDENTIFIER.test(element.set)) throw invalid('nft-set', `invalid nft set name ${JSON.stringify(element.set)}`);
  if (isIP(element.address) === 0) throw invalid('nft-set', `invalid address ${JSON.stringify(element.address)}`);
  const timeout = element.timeoutSeconds;
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > MAX_TIMEOUT_SECONDS) throw invalid('nft-set', `invalid timeout ${timeout}`);
}
