import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TableEvents } from './nft-monitor.js';

const feed = (lines: string): Array<{ family: string; table: string }> => {
  const events = new TableEvents();
  return lines.split('\n').flatMap((line) => events.feed(line));
};

test('nft monitor: a flush reports every deleted table once its transaction ends', () => {
  assert.deepEqual(feed([
    'delete chain inet conet-user forward',
    'delete table inet conet-user',
    'delete rule inet conet filter-forward handle 2',
    'delete table inet conet',
    '# new generation 5 by process 5506 (nft)',
  ].join('\n')), [{ family: 'inet', table: 'conet-user' }, { family: 'inet', table: 'conet' }]);
});

test('nft monitor: our own atomic replace (delete and add in one transaction) reports nothing', () => {
  assert.deepEqual(feed([
    'delete table inet conet',
    'add table inet conet',
    'add chain inet conet filter-forward { type filter hook forward priority filter; policy accept; }',
    '# new generation 3 by process 5497 (nft)',
    'add element inet conet ports4-any { tcp . 8080 : 172.17.0.2 . 80 }',
    '# new generation 4 by process 5498 (nft)',
  ].join('\n')), []);
  assert.deepEqual(feed('delete table inet conet'), [], 'nothing before the transaction ends');
});
