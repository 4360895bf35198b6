import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTableDeletion } from './nft-monitor.js';

test('nft monitor lines: only table deletions count', () => {
  assert.deepEqual(parseTableDeletion('delete table inet conet'), { family: 'inet', table: 'conet' });
  assert.deepEqual(parseTableDeletion('delete table inet conet-user'), { family: 'inet', table: 'conet-user' });
  assert.equal(parseTableDeletion('delete chain inet conet filter-forward'), undefined);
  assert.equal(parseTableDeletion('add table inet conet'), undefined);
  assert.equal(parseTableDeletion('# new generation 5 by process 5506 (nft)'), undefined);
});
