import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DetachScanner, parseDetachKeys } from './detach-keys.js';

test('detach keys: Docker\'s syntax, default ctrl-p,ctrl-q, a clear 400 otherwise', () => {
  assert.deepEqual([...parseDetachKeys('')], [0x10, 0x11]);
  assert.deepEqual([...parseDetachKeys('ctrl-a,x,ctrl-\\,ctrl-@')], [1, 0x78, 28, 0]);
  assert.deepEqual([...parseDetachKeys('ctrl-Q')], [17]);
  for (const bad of ['ctrl-', 'ctrl-1', 'ab', 'ctrl-p,,ctrl-q', 'é']) assert.throws(() => parseDetachKeys(bad), /Invalid detach keys/, bad);
});

async function scan(keys: string, chunks: string[]): Promise<{ out: string; detached: boolean }> {
  const scanner = new DetachScanner(parseDetachKeys(keys));
  let detached = false;
  scanner.on('detach', () => (detached = true));
  const parts: Buffer[] = [];
  scanner.on('data', (part: Buffer) => parts.push(part));
  const ended = new Promise((resolve) => scanner.on('end', resolve));
  for (const chunk of chunks) scanner.write(Buffer.from(chunk, 'latin1'));
  if (!detached) scanner.end();
  await ended;
  return { out: Buffer.concat(parts).toString('latin1'), detached };
}

test('the scanner passes everything but the sequence, across chunk borders', async () => {
  assert.deepEqual(await scan('', ['ls\n', '\x10', '\x11', 'never']), { out: 'ls\n', detached: true });
  assert.deepEqual(await scan('', ['a\x10b\x10\x10\x11']), { out: 'a\x10b\x10', detached: true });
  assert.deepEqual(await scan('', ['\x10x', 'y']), { out: '\x10xy', detached: false });
  assert.deepEqual(await scan('x', ['abc', 'x', 'd']), { out: 'abc', detached: true });
  assert.deepEqual(await scan('ctrl-a,ctrl-a,b', ['\x01\x01\x01b']), { out: '\x01', detached: true });
});
