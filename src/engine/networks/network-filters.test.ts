import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Network } from '../../model/network.js';
import { listFilter, pruneFilter } from './network-filters.js';

function net(name: string, extra: Partial<Network> = {}): Network {
  return {
    id: `${name.padEnd(12, '0').replace(/[^0-9a-f]/g, 'a')}${'0'.repeat(52)}`,
    name,
    driver: 'bridge',
    scope: 'local',
    created: '2026-11-28T10:00:00.000000000Z',
    enableIPv6: false,
    internal: false,
    attachable: false,
    ingress: false,
    configOnly: false,
    configFrom: '',
    ipam: { driver: 'default', options: {}, configs: [] },
    options: {},
    labels: {},
    predefined: false,
    ...extra,
  };
}

const networks = [
  net('bridge', { predefined: true }),
  net('host', { driver: 'host', predefined: true }),
  net('my_one', { labels: { a: 'b' } }),
  net('busy'),
];
const endpoints = (network: Network): number => (network.name === 'busy' ? 1 : 0);
const names = (filters: Array<[string, string[]]>): string[] => networks.filter(listFilter(new Map(filters), endpoints)).map((n) => n.name);

test('type, driver, label and dangling filters', () => {
  assert.deepEqual(names([['type', ['custom']]]), ['my_one', 'busy']);
  assert.deepEqual(names([['type', ['builtin']]]), ['bridge', 'host']);
  assert.deepEqual(names([['driver', ['host']]]), ['host']);
  assert.deepEqual(names([['label', ['a=b']]]), ['my_one']);
  assert.deepEqual(names([['dangling', ['true']]]), ['my_one']);
  assert.deepEqual(names([['dangling', ['false']]]), ['bridge', 'host', 'busy']);
  assert.throws(() => names([['type', ['weird']]]), /invalid filter: 'type'='weird'/);
  assert.throws(() => names([['dangling', ['maybe']]]), /dangling=maybe/);
});

test('prune filter: until and label!', () => {
  const now = Date.parse('2026-11-28T12:00:00Z');
  const old = net('old', { created: '2026-11-28T09:00:00.000000000Z', labels: { keep: '' } });
  const fresh = net('fresh', { created: '2026-11-28T11:59:00.000000000Z' });
  assert.deepEqual([old, fresh].filter(pruneFilter(new Map([['until', ['1h']]]), now)).map((n) => n.name), ['old']);
  assert.deepEqual([old, fresh].filter(pruneFilter(new Map([['label!', ['keep']]]), now)).map((n) => n.name), ['fresh']);
  assert.deepEqual([old, fresh].filter(pruneFilter(new Map([['label', ['keep']]]), now)).map((n) => n.name), ['old']);
});
