import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLogLine, payloadOf, splitLines } from './k8s-log.js';

test('k8s-file: full and partial lines give back the bytes written', () => {
  const file = Buffer.from(
    '2024-05-01T10:00:00.123456789+00:00 stdout F hello world\n' +
      '2024-05-01T10:00:00.2+00:00 stderr P no newline \n' +
      '2024-05-01T10:00:00.3+00:00 stderr F\n' +
      '2024-05-01T10:00:00.4+00:00 stdout F tail',
  );
  const { lines, rest } = splitLines(file);
  assert.equal(lines.length, 3);
  assert.equal(rest.toString(), '2024-05-01T10:00:00.4+00:00 stdout F tail');
  const entries = lines.map((line) => parseLogLine(line));
  assert.deepEqual(entries.map((entry) => entry?.stream), ['stdout', 'stderr', 'stderr']);
  assert.deepEqual(entries.map((entry) => entry && payloadOf(entry).toString()), ['hello world\n', 'no newline ', '\n']);
  assert.equal(entries[1]?.partial, true);
});

test('k8s-file: a line that is not a record is skipped, binary text is kept', () => {
  assert.equal(parseLogLine(Buffer.from('garbage')), undefined);
  assert.equal(parseLogLine(Buffer.from('2024-05-01T10:00:00Z stdin F x')), undefined);
  const binary = Buffer.concat([Buffer.from('2024-05-01T10:00:00Z stdout P '), Buffer.from([0xff, 0x00, 0x1b])]);
  assert.deepEqual(parseLogLine(binary)?.text, Buffer.from([0xff, 0x00, 0x1b]));
});
