import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUintList, uintListWithin } from './uint-list.js';

test('cpuset lists: numbers and ranges; bad ones say why', () => {
  assert.deepEqual(parseUintList('0'), [[0, 0]]);
  assert.deepEqual(parseUintList('0-2,4,7-8'), [[0, 2], [4, 4], [7, 8]]);
  for (const bad of ['', '1,', ',1', '1-', '-1', '3-1', 'a', '1 ,2', '0-99999999', '1.5']) assert.throws(() => parseUintList(bad), Error, bad);
});

test('containment: every requested number among the available ones', () => {
  const available = parseUintList('0-1');
  assert.equal(uintListWithin(parseUintList('0'), available), true);
  assert.equal(uintListWithin(parseUintList('1,0'), available), true);
  assert.equal(uintListWithin(parseUintList('0-1'), available), true);
  assert.equal(uintListWithin(parseUintList('2'), available), false);
  assert.equal(uintListWithin(parseUintList('1-2'), available), false);
  assert.equal(uintListWithin(parseUintList('0-65536'), parseUintList('0-65536')), true);
  assert.equal(uintListWithin(parseUintList('0-4,6'), parseUintList('0-2,3-5')), false);
  assert.equal(uintListWithin(parseUintList('0-5'), parseUintList('0-2,3-5')), true);
});
