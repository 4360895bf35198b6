import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Demultiplexer, frame } from './stdcopy.js';

test('frames round-trip, also when split at any byte', () => {
  const bytes = Buffer.concat([frame(1, Buffer.from('hello\n')), frame(2, Buffer.from('oops')), frame(1, Buffer.alloc(0))]);
  assert.deepEqual([...bytes.subarray(0, 8)], [1, 0, 0, 0, 0, 0, 0, 6]);
  for (let cut = 0; cut <= bytes.length; cut += 1) {
    const demux = new Demultiplexer();
    const frames = [...demux.push(bytes.subarray(0, cut)), ...demux.push(bytes.subarray(cut))];
    assert.deepEqual(frames.map((f) => [f.stream, f.payload.toString()]), [[1, 'hello\n'], [2, 'oops'], [1, '']]);
  }
});
