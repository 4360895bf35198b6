import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container } from '../../model/container.js';
import { parseFilters } from '../../util/filters.js';
import { listContainers } from './container-list.js';
import { CONTAINER_FILTERS } from './list-filter.js';

const container = (name: string, created: string, status: Container['state']['status'], exitCode = 0) =>
  ({ id: `${name}`.padEnd(64, '0'), name, created, imageId: 'sha256:abc', config: { labels: {}, image: 'busybox' }, state: { status, exitCode } }) as unknown as Container;

test('newest first, running only unless all, exited filter, limit', () => {
  const all = [container('a', '2024-01-01T00:00:01Z', 'running'), container('b', '2024-01-01T00:00:03Z', 'exited', 2), container('c', '2024-01-01T00:00:02Z', 'running')];
  const query = (everything: boolean, filters = '', limit = -1) => ({ all: everything, limit, filters: parseFilters(filters, CONTAINER_FILTERS) });
  const names = (list: Container[]) => list.map((entry) => entry.name);
  assert.deepEqual(names(listContainers(all, query(false), () => [])), ['c', 'a']);
  assert.deepEqual(names(listContainers(all, query(true), () => [])), ['b', 'c', 'a']);
  assert.deepEqual(names(listContainers(all, query(true, '{"exited":["2"]}'), () => [])), ['b']);
  assert.deepEqual(names(listContainers(all, query(true, '', 2), () => [])), ['b', 'c']);
});

test('the health filter: starting, healthy, unhealthy, none (no healthcheck); other values are 400s', () => {
  const withHealth = (name: string, status?: 'starting' | 'healthy' | 'unhealthy') => {
    const entry = container(name, `2024-01-01T00:00:0${name.length}Z`, 'running');
    if (status) entry.state.health = { status, failingStreak: 0, log: [] };
    return entry;
  };
  const all = [withHealth('s', 'starting'), withHealth('hh', 'healthy'), withHealth('uuu', 'unhealthy'), withHealth('nnnn')];
  const names = (filters: string) => listContainers(all, { all: true, limit: -1, filters: parseFilters(filters, CONTAINER_FILTERS) }, () => []).map((entry) => entry.name);
  assert.deepEqual(names('{"health":["healthy"]}'), ['hh']);
  assert.deepEqual(names('{"health":["unhealthy","starting"]}'), ['uuu', 's']);
  assert.deepEqual(names('{"health":["none"]}'), ['nnnn']);
  assert.throws(() => names('{"health":["sick"]}'), { kind: 'invalid', message: 'Unrecognised filter value for health: sick' });
});
