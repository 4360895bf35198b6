import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../exec/index.js';
import { tarHeader, tarStream } from './tar-writer.js';

test('tar writer: GNU tar lists and extracts what it wrote (dirs, files, empty file, data)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tar-writer-'));
  try {
    await writeFile(join(dir, 'big'), Buffer.alloc(70_000, 7));
    await writeFile(join(dir, 'empty'), '');
    const chunks: Buffer[] = [];
    for await (const chunk of tarStream([
      { kind: 'dir', name: 'blobs' },
      { kind: 'file', name: 'blobs/big', size: 70_000, file: join(dir, 'big') },
      { kind: 'file', name: 'blobs/empty', size: 0, file: join(dir, 'empty') },
      { kind: 'data', name: 'manifest.json', data: Buffer.from('[]') },
    ])) chunks.push(chunk);
    const archive = Buffer.concat(chunks);
    assert.equal(archive.length % 512, 0);
    await writeFile(join(dir, 'a.tar'), archive);
    const listed = await run(['tar', '-tvf', join(dir, 'a.tar')]);
    assert.deepEqual(listed.stdout.trim().split('\n').map((line) => line.split(/\s+/).at(-1)), ['blobs/', 'blobs/big', 'blobs/empty', 'manifest.json']);
    await run(['tar', '-xf', join(dir, 'a.tar'), '-C', dir]);
    assert.deepEqual(await readFile(join(dir, 'blobs/big')), Buffer.alloc(70_000, 7));
    assert.equal(await readFile(join(dir, 'manifest.json'), 'utf8'), '[]');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('tar writer: a file shorter than announced fails instead of writing a corrupt archive; long names refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tar-writer-'));
  try {
    await writeFile(join(dir, 'short'), 'abc');
    await assert.rejects(async () => {
      for await (const chunk of tarStream([{ kind: 'file', name: 'x', size: 10, file: join(dir, 'short') }])) void chunk;
    }, /3 bytes, expected 10/);
    assert.throws(() => tarHeader('a'.repeat(100), 'file', 1), /too long/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
