import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hostIpsOverlap, PortAllocator } from './allocator.js';

describe('PortAllocator', () => {
  it('hands out ephemeral ports sequentially from the start of the range', () => {
    const allocator = new PortAllocator({ start: 32768, end: 60999 });
    assert.deepEqual([1, 2, 3].map(() => allocator.allocate('0.0.0.0', 'tcp')), [32768, 32769, 32770]);
  });

  it('does not reuse a released port at once, wraps at the end and skips ports in use', () => {
    const allocator = new PortAllocator({ start: 100, end: 104 });
    assert.equal(allocator.allocate('0.0.0.0', 'tcp'), 100);
    assert.equal(allocator.allocate('0.0.0.0', 'tcp'), 101);
    allocator.release('0.0.0.0', 'tcp', 100);
    allocator.claim('0.0.0.0', 'tcp', 103);
    assert.equal(allocator.allocate('0.0.0.0', 'tcp'), 102);
    assert.equal(allocator.allocate('0.0.0.0', 'tcp'), 104, 'skips 103');
    assert.equal(allocator.allocate('0.0.0.0', 'tcp'), 100, 'wraps');
  });

  it('honours a skip predicate (ports bound by other processes)', () => {
    const allocator = new PortAllocator({ start: 100, end: 104 });
    assert.equal(allocator.allocate('0.0.0.0', 'tcp', { skip: (port) => port < 103 }), 103);
  });

  it('keeps protocols apart', () => {
    const allocator = new PortAllocator({ start: 100, end: 104 });
    allocator.claim('0.0.0.0', 'tcp', 8000);
    allocator.claim('0.0.0.0', 'udp', 8000);
    assert.equal(allocator.allocate('0.0.0.0', 'udp'), 100);
  });

  it('reports a conflict with Docker\'s message and overlap of wildcard and specific addresses', () => {
    const allocator = new PortAllocator({ start: 100, end: 104 });
    allocator.claim('0.0.0.0', 'tcp', 8000);
    assert.throws(() => allocator.claim('0.0.0.0', 'tcp', 8000),
      { kind: 'system', code: 'port-already-allocated', message: 'Bind for 0.0.0.0:8000 failed: port is already allocated' });
    assert.throws(() => allocator.claim('127.0.0.1', 'tcp', 8000), { message: 'Bind for 127.0.0.1:8000 failed: port is already allocated' });
    assert.throws(() => allocator.claim('::', 'tcp', 8000), { message: 'Bind for [::]:8000 failed: port is already allocated' });
    allocator.claim('127.0.0.1', 'tcp', 8001);
    allocator.claim('10.0.0.1', 'tcp', 8001);
    assert.throws(() => allocator.claim('0.0.0.0', 'tcp', 8001), { code: 'port-already-allocated' });
    allocator.claim('fd00::1', 'tcp', 8002);
    assert.throws(() => allocator.claim('::', 'tcp', 8002), { code: 'port-already-allocated' });
    allocator.claim('10.0.0.1', 'tcp', 8002);
  });

  it('says when a range is exhausted, also for an explicit host range', () => {
    const allocator = new PortAllocator({ start: 100, end: 101 });
    allocator.allocate('0.0.0.0', 'tcp');
    allocator.allocate('0.0.0.0', 'tcp');
    assert.throws(() => allocator.allocate('0.0.0.0', 'tcp'), { kind: 'system', code: 'all-ports-allocated', message: 'all ports are allocated' });
    allocator.claim('0.0.0.0', 'tcp', 8000);
    assert.equal(allocator.allocate('127.0.0.1', 'tcp', { range: { start: 8000, end: 8001 } }), 8001);
    assert.throws(() => allocator.allocate('0.0.0.0', 'tcp', { range: { start: 8000, end: 8001 } }), { code: 'all-ports-allocated' });
  });

  it('refuses a bad ephemeral range', () => {
    assert.throws(() => new PortAllocator({ start: 61000, end: 32768 }), RangeError);
  });

  it('defines overlap symmetrically', () => {
    const addresses = ['0.0.0.0', '::', '127.0.0.1', '10.0.0.1', 'fd00::1'];
    for (const a of addresses) for (const b of addresses) assert.equal(hostIpsOverlap(a, b), hostIpsOverlap(b, a), `${a} ${b}`);
  });
});
