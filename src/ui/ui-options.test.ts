/** --ui ADDR: loopback by default, a remote address only when allowed, bad input refused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUiAddress } from './ui-options.js';

test('loopback addresses and localhost are taken', () => {
  assert.deepEqual(parseUiAddress('127.0.0.1:7380'), { host: '127.0.0.1', port: 7380, allowRemote: false });
  assert.deepEqual(parseUiAddress('localhost:0'), { host: '127.0.0.1', port: 0, allowRemote: false });
  assert.deepEqual(parseUiAddress('[::1]:80'), { host: '::1', port: 80, allowRemote: false });
});

test('a non-loopback address is refused unless allowed', () => {
  assert.throws(() => parseUiAddress('0.0.0.0:7380'), /not a loopback address.*--ui-allow-remote/);
  assert.throws(() => parseUiAddress('10.1.2.3:7380'), /not a loopback/);
  assert.deepEqual(parseUiAddress('0.0.0.0:7380', true), { host: '0.0.0.0', port: 7380, allowRemote: true });
});

test('malformed addresses are refused', () => {
  for (const bad of ['7380', 'example.com:80', '127.0.0.1', '127.0.0.1:99999', '300.1.1.1:80', '[zz]:80', '127.0.0.1:80\n', '']) {
    assert.throws(() => parseUiAddress(bad), /invalid ui address/, JSON.stringify(bad));
  }
});
