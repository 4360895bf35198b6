import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { payloadOf } from './k8s-log.js';
import { completeEnd, lastLineEntries } from './log-tail.js';

const record = (tag: string, text: string): string => `2024-05-01T10:00:00.000000001+00:00 stdout ${tag} ${text}\n`;

async function withFiles(contents: string[], fn: (paths: string[]) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'conet-tail-'));
  try {
    const paths = contents.map((_, index) => join(dir, `f${index}`));
    await Promise.all(contents.map((text, index) => writeFile(paths[index] ?? '', text)));
    await fn(paths);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function tail(paths: string[], count: number): Promise<string> {
  const handles = await Promise.all(paths.map((path) => open(path, 'r')));
  try {
    const segments = await Promise.all(handles.map(async (handle) => ({ handle, end: (await handle.stat()).size })));
    return (await lastLineEntries(segments, count)).map((entry) => payloadOf(entry).toString()).join('');
  } finally {
    await Promise.all(handles.map((handle) => handle.close()));
  }
}

test('--tail counts lines from the end; a partial record belongs to the line it ends', async () => {
  await withFiles([record('F', 'a') + record('P', 'b') + record('F', 'c') + record('F', 'd') + record('P', 'no newline')], async ([path = '']) => {
    assert.equal(await tail([path], 1), 'no newline');
    assert.equal(await tail([path], 2), 'd\nno newline');
    assert.equal(await tail([path], 3), 'bc\nd\nno newline');
    assert.equal(await tail([path], 10), 'a\nbc\nd\nno newline');
    assert.equal(await tail([path], 0), '');
  });
});

test('--tail reads across chunk boundaries and into older files (newest segment first)', async () => {
  const lines = Array.from({ length: 3000 }, (_, index) => `line-${index}-${'x'.repeat(index % 97)}`);
  const records = lines.map((line) => record('F', line));
  // A rotation happens between records (conmon writes whole records).
  await withFiles([records.slice(0, 1234).join(''), records.slice(1234).join('')], async ([older = '', newer = '']) => {
    const want = (count: number) => lines.slice(-count).map((line) => `${line}\n`).join('');
    assert.equal(await tail([newer, older], 1), want(1));
    assert.equal(await tail([newer, older], 2500), want(2500));
    assert.equal(await tail([newer, older], 5000), want(3000));
  });
});

test('a record still being written is left out of where following starts', async () => {
  await withFiles([record('F', 'done') + '2024-05-01T10:00:00Z stdout F hal'], async ([path = '']) => {
    const handle = await open(path, 'r');
    try {
      assert.equal(await completeEnd(handle, (await handle.stat()).size), record('F', 'done').length);
    } finally {
      await handle.close();
    }
  });
});
