import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { Demultiplexer } from './stdcopy.js';
import { outputWriter } from './stream-output.js';

function collect(sink: PassThrough): Buffer {
  return (sink.read() as Buffer | null) ?? Buffer.alloc(0);
}

test('non-TTY output is framed per stream and filtered by what the client asked for', () => {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  const write = outputWriter(sink, { tty: false, stdout: true, stderr: false });
  write('stdout', Buffer.from('out\n'));
  write('stderr', Buffer.from('err\n'));
  write('stdout', Buffer.alloc(0));
  const frames = new Demultiplexer().push(Buffer.concat(chunks));
  assert.deepEqual(frames.map((item) => [item.stream, item.payload.toString()]), [[1, 'out\n']]);
  assert.deepEqual(Buffer.concat(chunks).subarray(0, 8), Buffer.from([1, 0, 0, 0, 0, 0, 0, 4]));
});

test('TTY output goes raw', () => {
  const sink = new PassThrough();
  const write = outputWriter(sink, { tty: true, stdout: true, stderr: true });
  write('stdout', Buffer.from('a\r\n'));
  assert.equal(collect(sink).toString(), 'a\r\n');
});

test('a slow client gets a promise to wait on instead of an ever-growing buffer', async () => {
  const released: Array<() => void> = [];
  const slow = new Writable({ highWaterMark: 4, write: (_chunk, _encoding, callback) => void released.push(callback) });
  const write = outputWriter(slow, { tty: true, stdout: true, stderr: true });
  const wait = write('stdout', Buffer.from('more than four bytes'));
  assert.ok(wait instanceof Promise);
  let drained = false;
  void wait.then(() => (drained = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(drained, false);
  released.shift()?.();
  await wait;
  assert.equal(drained, true);
});
