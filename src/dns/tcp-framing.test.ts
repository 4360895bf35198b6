import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TcpFrames, frame } from './tcp-framing.js';

test('TCP framing: length-prefixed messages back out of any chunking', () => {
  const a = Buffer.from('first message');
  const b = Buffer.alloc(300, 7);
  const stream = Buffer.concat([frame(a), frame(b), frame(Buffer.alloc(0))]);
  assert.equal(frame(a).readUInt16BE(0), a.length);
  for (const size of [1, 2, 3, 16, stream.length]) {
    const reader = new TcpFrames();
    const got: Buffer[] = [];
    for (let at = 0; at < stream.length; at += size) got.push(...reader.push(stream.subarray(at, at + size)));
    assert.deepEqual(got.map((message) => message.toString('hex')), [a, b, Buffer.alloc(0)].map((message) => message.toString('hex')), `chunks of ${size}`);
  }
  assert.deepEqual(new TcpFrames().push(frame(a).subarray(0, 5)), []);
});

test('TCP framing: a length prefix above the maximum marks the stream, keeping the messages before it', () => {
  const reader = new TcpFrames(100);
  const small = Buffer.alloc(10, 1);
  const big = Buffer.alloc(101, 2);
  assert.deepEqual(reader.push(Buffer.concat([frame(small), frame(big).subarray(0, 3)])), [small]);
  assert.equal(reader.tooLong, true);
  assert.deepEqual(reader.push(frame(small)), [], 'nothing more is read');
  const first = new TcpFrames(100);
  assert.deepEqual(first.push(Buffer.from([0x10, 0x00])), []);
  assert.equal(first.tooLong, true, 'judged by the prefix alone');
});
