import assert from 'node:assert/strict';
import { appendFile, mkdtemp, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { PullEvent } from '../../../model/registry.js';
import { BlobWatch } from './blob-watch.js';
import { LayerFlights } from './flights.js';

const d = (char: string): string => `sha256:${char.repeat(64)}`;
const tick = (ms = 40): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (bounded) for the watcher to have seen something: a loaded machine polls late, not never. */
async function until(seen: () => boolean): Promise<void> {
  for (let waited = 0; !seen() && waited < 5_000; waited += 10) await tick(10);
}

test('progress from the partial blob files, completion from the verified blob', async () => {
  const root = await mkdtemp(join(tmpdir(), 'conet-watch-'));
  try {
    const layout = join(root, 'layout');
    const shared = join(root, 'shared');
    await mkdir(layout);
    await mkdir(join(shared, 'sha256'), { recursive: true });
    const events: PullEvent[] = [];
    const done: string[] = [];
    const layers = [{ mediaType: 'x', digest: d('1'), size: 100 }, { mediaType: 'x', digest: d('2'), size: 50 }];
    const watch = new BlobWatch({ layoutDir: layout, sharedBlobs: shared, layers, emit: (event) => events.push(event), stallMs: 60_000, onStall: () => assert.fail('no stall'), onDone: (digest) => done.push(digest), intervalMs: 10 });
    watch.start();
    const seen = (current: number) => (): boolean => events.some((event) => event.current === current);
    // Appended, as skopeo writes a blob (a rewrite would show the watcher an empty file between).
    await appendFile(join(layout, 'oci-put-blob1'), Buffer.alloc(30));
    await until(seen(30));
    await appendFile(join(layout, 'oci-put-blob1'), Buffer.alloc(30));
    await until(seen(60));
    await rename(join(layout, 'oci-put-blob1'), join(shared, 'sha256', '1'.repeat(64)));
    await until(() => events.some((event) => event.status === 'Download complete'));
    await writeFile(join(shared, 'sha256', '2'.repeat(64)), Buffer.alloc(50));
    await until(() => events.some((event) => event.id === '222222222222' && event.status === 'Download complete'));
    await watch.stop();
    // Handed on (to be unpacked) once each, after its Download complete.
    assert.deepEqual(done, [d('1'), d('2')]);
    const first = events.filter((event) => event.id === '111111111111');
    assert.deepEqual(first, [
      { status: 'Downloading', id: '111111111111', current: 30, total: 100 },
      { status: 'Downloading', id: '111111111111', current: 60, total: 100 },
      { status: 'Verifying Checksum', id: '111111111111' },
      { status: 'Download complete', id: '111111111111' },
    ]);
    assert.deepEqual(events.filter((event) => event.id === '222222222222').map((event) => event.status), ['Verifying Checksum', 'Download complete']);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a stall (no byte for the timeout) is reported once', async () => {
  const root = await mkdtemp(join(tmpdir(), 'conet-watch-'));
  try {
    let stalls = 0;
    const watch = new BlobWatch({ layoutDir: root, sharedBlobs: root, layers: [{ mediaType: 'x', digest: d('3'), size: 10 }], emit: () => undefined, stallMs: 50, onStall: () => (stalls += 1), intervalMs: 10 });
    watch.start();
    await tick(200);
    await watch.stop();
    assert.equal(stalls, 1);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('single flight: a claimed blob is busy until released; blob users counted', async () => {
  const flights = new LayerFlights();
  const release = flights.claim([d('1'), d('2')]);
  assert.equal(flights.isFetching(d('1')), true);
  const busy = flights.busy([d('2'), d('3')]);
  assert.equal(busy.length, 1);
  const second = flights.claim([d('2'), d('3')]);
  let waited = false;
  const wait = Promise.all(busy).then(() => (waited = true));
  await tick(5);
  assert.equal(waited, false);
  release();
  await wait;
  assert.equal(flights.isFetching(d('1')), false);
  assert.equal(flights.isFetching(d('3')), true, 'the second claim kept only what was free');
  second();
  const a = flights.use([d('1'), d('2')]);
  const b = flights.use([d('2')]);
  assert.deepEqual(a(), [d('1')]);
  assert.deepEqual(b(), [d('2')]);
});
