import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus, nowNano } from './event-bus.js';
import { eventFilter, stripTag } from './event-filter.js';

function clock(): () => bigint {
  let now = 1_000n;
  return () => (now += 1_000n);
}

test('events are stamped in increasing order even when the clock stands still', () => {
  const bus = new EventBus(() => 5n);
  const seen = bus.subscribe({ since: 0n });
  bus.emit('container', 'create', { id: 'a' });
  bus.emit('container', 'start', { id: 'a' });
  const [first, second] = seen.drain();
  assert.ok(first && second && second.timeNano > first.timeNano);
});

test('since replays the buffer from that time, until bounds the replay; no since means live only', () => {
  const bus = new EventBus(clock());
  bus.emit('container', 'create', { id: 'a' }); // 2000
  bus.emit('container', 'start', { id: 'a' }); // 3000
  bus.emit('container', 'die', { id: 'a' }); // 4000
  assert.deepEqual(bus.subscribe({ since: 3000n }).drain().map((event) => event.action), ['start', 'die']);
  assert.deepEqual(bus.subscribe({ since: 0n, until: 3000n }).drain().map((event) => event.action), ['create', 'start']);
  assert.deepEqual(bus.subscribe().drain(), []);
});

test('the ring buffer keeps only the last events', () => {
  const bus = new EventBus(clock(), 3);
  for (let index = 0; index < 5; index += 1) bus.emit('volume', 'create', { id: `v${index}` });
  assert.deepEqual(bus.subscribe({ since: 0n }).drain().map((event) => event.actor.id), ['v2', 'v3', 'v4']);
});

test('live events reach a subscriber in order through next(); close ends it and detaches it', async () => {
  const bus = new EventBus(clock());
  const subscription = bus.subscribe();
  const first = subscription.next();
  bus.emit('network', 'create', { id: 'n', attributes: { name: 'x' } });
  assert.equal((await first)?.action, 'create');
  subscription.close();
  assert.equal(await subscription.next(), undefined);
  assert.equal(bus.subscriberCount, 0);
});

test('a subscriber that falls behind its queue limit is closed, not grown', async () => {
  const bus = new EventBus(clock());
  const slow = bus.subscribe({ queueLimit: 10 });
  for (let index = 0; index < 100; index += 1) bus.emit('container', 'exec_start: sh', { id: 'a' });
  assert.equal(slow.ended, 'overflow');
  assert.equal(await slow.next(), undefined);
  assert.equal(bus.subscriberCount, 0);
});

test('filters: type, event (health_status by prefix), container by name prefix, label, image without tag', () => {
  const bus = new EventBus(clock());
  const container = { id: 'c0ffee', attributes: { name: 'web', image: 'busybox:latest', tier: 'front' } };
  bus.emit('container', 'start', container);
  bus.emit('container', 'health_status: healthy', container);
  bus.emit('network', 'connect', { id: 'n1', attributes: { name: 'web', type: 'bridge', container: 'c0ffee' } });
  const actions = (filters: object) => bus.subscribe({ since: 0n, filter: eventFilter(JSON.stringify(filters)) }).drain().map((event) => `${event.type}:${event.action}`);
  assert.deepEqual(actions({ type: ['network'] }), ['network:connect']);
  assert.deepEqual(actions({ event: ['health_status'] }), ['container:health_status: healthy']);
  assert.deepEqual(actions({ event: ['start', 'connect'] }), ['container:start', 'network:connect']);
  assert.deepEqual(actions({ container: ['we'] }), ['container:start', 'container:health_status: healthy']);
  assert.deepEqual(actions({ container: ['c0f'], event: ['start'] }), ['container:start']);
  assert.deepEqual(actions({ network: ['web'] }), ['network:connect']);
  assert.deepEqual(actions({ label: ['tier=front'], event: { start: true } }), ['container:start']);
  assert.deepEqual(actions({ image: ['busybox'], event: ['start'] }), ['container:start']);
  assert.deepEqual(actions({ label: ['tier=back'] }), []);
  assert.deepEqual(actions({ service: ['x'] }), []);
});

test('an unknown filter key is a 400', () => {
  assert.throws(() => eventFilter('{"colour":["red"]}'), (error: Error & { status?: number }) => /invalid filter 'colour'/.test(error.message));
});

test('stripTag keeps a registry port and drops a digest', () => {
  assert.equal(stripTag('busybox:latest'), 'busybox');
  assert.equal(stripTag('host:5000/x'), 'host:5000/x');
  assert.equal(stripTag('host:5000/x:1'), 'host:5000/x');
  assert.equal(stripTag('x@sha256:ab'), 'x');
});

test('nowNano never goes back (since <= until for two reads in a row)', () => {
  let previous = 0n;
  for (let index = 0; index < 100_000; index += 1) {
    const now = nowNano();
    assert.ok(now > previous);
    previous = now;
  }
});
