import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Admission } from './admission.js';
import { DNS_LIMITS, FORWARDS_PER_CLIENT, FORWARDS_TOTAL } from './limits.js';

test('admission: a client gets at most its cap; others still get theirs', () => {
  const admission = new Admission(FORWARDS_PER_CLIENT, FORWARDS_TOTAL);
  const held = Array.from({ length: FORWARDS_PER_CLIENT }, () => admission.enter('noisy'));
  assert.ok(held.every((release) => release !== undefined));
  assert.equal(admission.enter('noisy'), undefined, 'the 65th forward of one client is refused');
  assert.ok(admission.enter('quiet'), 'another client is not affected');
  held[0]?.();
  assert.ok(admission.enter('noisy'), 'a released slot can be taken again');
});

test('admission: the total caps all clients together; a release counts once', () => {
  const admission = new Admission(3, 5);
  const releases = ['a', 'a', 'a', 'b', 'b'].map((client) => admission.enter(client));
  assert.equal(admission.held(), 5);
  assert.equal(admission.enter('c'), undefined, 'total reached');
  releases[3]?.();
  releases[3]?.();
  assert.equal(admission.held(), 4, 'a double release gives back one slot');
  assert.equal(admission.held('b'), 1);
  assert.ok(admission.enter('c'));
  assert.equal(admission.enter('d'), undefined);
});

test('limits: the caps of issue 10, item 8', () => {
  assert.deepEqual(
    { ...DNS_LIMITS },
    { forwardsPerClient: 64, forwardsTotal: 1024, tcpPerClient: 16, tcpTotal: 256, tcpDeadlineMs: 10_000, tcpIdleMs: 5_000, maxQueryBytes: 4096, maxTcpBacklogBytes: 262_144 },
  );
});
