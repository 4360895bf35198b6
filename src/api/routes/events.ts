/**
 * GET /events: `docker events`. Buffered events since `since` (and up to `until`) first, then live
 * ones, one JSON line each, until `until` passes or the client leaves; an `until` already past
 * answers with the buffered events only. A client that reads too slowly for its queue is cut off
 * (the bus closes its subscription), never buffered without bound.
 */
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { invalid } from '../../errors/index.js';
import { nowNano, type EventBus, type EventSubscription } from '../../engine/events/event-bus.js';
import { eventFilter } from '../../engine/events/event-filter.js';
import { commonHeaders } from '../http.js';
import { renderEvent } from '../render/event.js';
import type { Router } from '../router.js';

/** Docker's timestamps here: "seconds" or "seconds.nanoseconds" (the CLI sends those); absent or empty: none. */
export function eventTime(value: string | null, name: string): bigint | undefined {
  if (value === null || value === '') return undefined;
  const match = /^(\d{1,12})(?:\.(\d{1,9}))?$/.exec(value);
  if (!match) throw invalid('events-time', `invalid value for "${name}": ${JSON.stringify(value)} is not a Unix timestamp`);
  return BigInt(match[1] ?? '0') * 1_000_000_000n + BigInt((match[2] ?? '').padEnd(9, '0'));
}

export function eventRoutes(router: Router, bus: EventBus): void {
  router.add('GET', '/events', async ({ response, query }) => {
    const since = eventTime(query.get('since'), 'since');
    const until = eventTime(query.get('until'), 'until');
    if (since !== undefined && until !== undefined && until < since) {
      throw invalid('events-time', `\`since\` time (${query.get('since')}) cannot be after \`until\` time (${query.get('until')})`);
    }
    const filter = eventFilter(query.get('filters'));
    const subscription = bus.subscribe({ filter, ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}) });
    response.once('close', () => subscription.close());
    response.writeHead(200, { ...commonHeaders(), 'Content-Type': 'application/json' });
    response.flushHeaders();
    const left = until === undefined ? undefined : until - nowNano();
    if (left !== undefined && left <= 0n) subscription.close();
    const timer = left !== undefined && left > 0n ? setTimeout(() => subscription.close(), Number(left / 1_000_000n) + 1) : undefined;
    try {
      await stream(response, subscription);
    } finally {
      clearTimeout(timer);
      subscription.close();
    }
    if (subscription.ended === 'overflow') response.destroy();
    else response.end();
  });
}

async function stream(response: ServerResponse, subscription: EventSubscription): Promise<void> {
  for (;;) {
    const event = await subscription.next();
    if (!event || response.destroyed) return;
    if (!response.write(renderEvent(event))) await Promise.race([once(response, 'drain'), subscription.done]);
  }
}
