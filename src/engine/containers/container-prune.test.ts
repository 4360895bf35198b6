import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container } from '../../model/container.js';
import { createLogger } from '../../util/logger.js';
import { parseFilters } from '../../util/filters.js';
import { EventBus } from '../events/event-bus.js';
import { CONTAINER_PRUNE_FILTERS, containerPruneFilter, pruneContainers } from './container-prune.js';

function container(id: string, status: string, labels: Record<string, string> = {}, created = '2024-01-01T00:00:00Z'): Container {
  return { id, created, state: { status }, config: { labels } } as unknown as Container;
}

test('container prune removes what is not running, sums the writable layers, skips failed removals, emits prune', async () => {
  const all = [container('run', 'running'), container('old', 'exited'), container('new', 'created'), container('stuck', 'exited'), container('paused', 'paused')];
  const removed: string[] = [];
  const bus = new EventBus();
  const seen = bus.subscribe({ since: 0n });
  const result = await pruneContainers({
    containers: {
      all: () => all,
      remove: async (id) => {
        if (id === 'stuck') throw new Error('busy');
        removed.push(id);
      },
    },
    sizeRw: async (id) => (id === 'old' ? 100 : 20),
    bus,
    logger: createLogger('error'),
  }, null);
  assert.deepEqual(result, { deleted: ['old', 'new'], reclaimed: 120 });
  assert.deepEqual(removed, ['old', 'new']);
  assert.deepEqual(seen.drain().map((event) => [event.type, event.action, event.actor.attributes['reclaimed']]), [['container', 'prune', '120']]);
});

test('container prune filters: until (created before), label, label!', () => {
  const filter = (raw: object) => containerPruneFilter(parseFilters(JSON.stringify(raw), CONTAINER_PRUNE_FILTERS), Date.parse('2024-06-01T00:00:00Z'));
  const a = container('a', 'exited', { keep: 'yes' }, '2024-01-01T00:00:00Z');
  const b = container('b', 'exited', {}, '2024-05-31T23:00:00Z');
  assert.deepEqual([a, b].filter(filter({ until: ['2h'] })).map((c) => c.id), ['a']);
  assert.deepEqual([a, b].filter(filter({ label: ['keep=yes'] })).map((c) => c.id), ['a']);
  assert.deepEqual([a, b].filter(filter({ 'label!': ['keep'] })).map((c) => c.id), ['b']);
  assert.throws(() => parseFilters('{"status":["exited"]}', CONTAINER_PRUNE_FILTERS), /invalid filter 'status'/);
});
