import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { disjoint, type Box } from './disjoint.js';

const range = fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 7 })).map(([a, b]): [bigint, bigint] => [BigInt(Math.min(a, b)), BigInt(Math.max(a, b))]);
const box = fc.tuple(range, range, range).map((dims): Box => ({ dims }));
const inside = (b: Box, p: bigint[]): boolean => b.dims.every(([lo, hi], i) => (p[i] ?? -1n) >= lo && (p[i] ?? -1n) <= hi);

test('property: disjoint boxes cover exactly the union, each point once', () => {
  fc.assert(
    fc.property(fc.array(box, { maxLength: 6 }), (boxes) => {
      const kept = disjoint(boxes);
      for (let x = 0n; x < 8n; x++) for (let y = 0n; y < 8n; y++) for (let z = 0n; z < 8n; z++) {
        const point = [x, y, z];
        const wanted = boxes.some((b) => inside(b, point)) ? 1 : 0;
        assert.equal(kept.filter((b) => inside(b, point)).length, wanted, `point ${point.join(',')}`);
      }
    }),
    { numRuns: 150 },
  );
});
