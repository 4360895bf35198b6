import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { payloadOf, type LogEntry } from './k8s-log.js';
import { LogFollower } from './log-follower.js';

const record = (stream: string, tag: string, text: string): string => `2024-05-01T10:00:00.000000001+00:00 ${stream} ${tag} ${text}\n`;

test('LogFollower: from the end skips what was there, follows appends, drains on stop, survives unlink', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'conet-log-'));
  try {
    const file = join(dir, 'container.log');
    await writeFile(file, record('stdout', 'F', 'before'));
    const seen: LogEntry[] = [];
    const follower = await LogFollower.open(file, { from: 'end', onEntry: (entry) => void seen.push(entry) });
    follower.follow();
    await appendFile(file, record('stdout', 'P', 'par') + record('stdout', 'F', 'tial'));
    // Half a record: not delivered until its newline arrives.
    await appendFile(file, '2024-05-01T10:00:00Z stderr F la');
    await rm(file);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await follower.stop();
    assert.deepEqual(seen.map((entry) => payloadOf(entry).toString()), ['par', 'tial\n']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('LogFollower: from the start with readAvailable, then a truncated file is read again from 0', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'conet-log-'));
  try {
    const file = join(dir, 'container.log');
    await writeFile(file, record('stdout', 'F', 'one') + record('stderr', 'F', 'two'));
    const seen: string[] = [];
    const follower = await LogFollower.open(file, { from: 'start', onEntry: (entry) => void seen.push(`${entry.stream}:${payloadOf(entry).toString()}`) });
    await follower.readAvailable();
    assert.deepEqual(seen, ['stdout:one\n', 'stderr:two\n']);
    follower.follow();
    await truncate(file, 0);
    await appendFile(file, record('stdout', 'F', 'x'));
    await follower.stop();
    assert.deepEqual(seen.slice(2), ['stdout:x\n']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('LogFollower: from the start reads rotated files oldest first, follows across a rotation, tail reads backwards', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'conet-log-'));
  try {
    const file = join(dir, 'container.log');
    await writeFile(`${file}.2`, record('stdout', 'F', 'one'));
    await writeFile(`${file}.1`, record('stdout', 'F', 'two'));
    await writeFile(file, record('stdout', 'F', 'three'));
    const seen: string[] = [];
    const follower = await LogFollower.open(file, { from: 'start', onEntry: (entry) => void seen.push(payloadOf(entry).toString()) });
    await follower.readAvailable();
    assert.deepEqual(seen, ['one\n', 'two\n', 'three\n']);
    follower.follow();
    // A rotation as conmon sees it: written to the renamed file until the reopen, then a new live file.
    const { rotateLogFiles } = await import('./log-files.js');
    await rotateLogFiles(file, 2, async () => {
      await appendFile(`${file}.1`, record('stdout', 'F', 'four'));
      await writeFile(file, record('stdout', 'F', 'five'));
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    await follower.stop();
    assert.deepEqual(seen, ['one\n', 'two\n', 'three\n', 'four\n', 'five\n']);
    const { rotatedLogFiles } = await import('./log-files.js');
    assert.deepEqual(await rotatedLogFiles(file), [`${file}.1`]);
    const tail: string[] = [];
    const tailer = await LogFollower.open(file, { from: 'end', tail: 2, onEntry: (entry) => void tail.push(payloadOf(entry).toString()) });
    await tailer.readToEnd();
    assert.deepEqual(tail, ['four\n', 'five\n']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
