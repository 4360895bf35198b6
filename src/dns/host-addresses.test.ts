import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HostAddresses } from './host-addresses.js';

test('host addresses: canonical, re-read in the background when stale, kept when a read fails', async () => {
  let clock = 0;
  let lists: Array<() => Promise<string[]>> = [async () => ['192.0.2.1', 'FD00:0::1', 'fe80::1%eth0', 'junk']];
  let reads = 0;
  const host = new HostAddresses(() => (reads += 1, (lists.shift() ?? (async () => { throw new Error('ip failed'); }))()), 1_000, () => clock);
  await host.refresh();
  assert.deepEqual([...host.addresses()], ['192.0.2.1', 'fd00::1', 'fe80::1']);
  assert.equal(reads, 1);
  clock = 2_000;
  lists = [async () => ['198.51.100.7']];
  host.addresses();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual([...host.addresses()], ['198.51.100.7']);
  clock = 4_000;
  host.addresses();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual([...host.addresses()], ['198.51.100.7']);
  assert.equal(reads, 3);
});
