import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fdinfoPosition, openFileOffsets } from './open-file-offsets.js';

test('open file offsets: this process reading a file under a directory shows its position; other files are not listed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'offsets-'));
  const handle = await open(join(dir, 'blob'), 'w+');
  try {
    await writeFile(join(dir, 'blob'), Buffer.alloc(10_000, 1));
    await handle.read(Buffer.alloc(4096), 0, 4096, null);
    const offsets = await openFileOffsets(process.pid, dir);
    assert.deepEqual([...offsets], [[join(dir, 'blob'), 4096]]);
    assert.deepEqual([...(await openFileOffsets(process.pid, join(dir, 'elsewhere')))], []);
    assert.deepEqual([...(await openFileOffsets(2 ** 30, dir))], [], 'no such process: nothing');
  } finally {
    await handle.close();
    await rm(dir, { recursive: true, force: true });
  }
  assert.equal(fdinfoPosition('pos:\t123\nflags:\t02\n'), 123);
  assert.equal(fdinfoPosition('flags: 1'), undefined);
});
