import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PushEvent } from '../../../model/registry.js';
import { ociLayerType, pushManifest, type PushLayer } from './push-layout.js';
import { debugMessage, PushProgress } from './push-progress.js';

const hex = (c: string): string => c.repeat(64);
const layer = (c: string, d: string, size: number): PushLayer => ({ diffId: `sha256:${hex(d)}`, digest: `sha256:${hex(c)}`, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size, file: '/x' });
const debug = (msg: string): string => `time="2026-01-01T00:00:00Z" level=debug msg=${JSON.stringify(msg)}`;

test('push progress: Preparing/Waiting topmost first, an existing layer, a mounted one, bytes then Pushed', () => {
  const events: PushEvent[] = [];
  const layers = [layer('a', '1', 100), layer('b', '2', 50), layer('c', '3', 10)];
  const progress = new PushProgress(layers, (event) => events.push(event));
  progress.begin();
  progress.line(debug(`Skipping blob sha256:${hex('a')} (already present):`));
  progress.line(debug(`POST http://h/v2/r/blobs/uploads/?from=other%2Frepo&mount=sha256%3A${hex('c')}`));
  progress.line(debug('... mount OK'));
  progress.line(debug(`Skipping blob sha256:${hex('c')} (already present):`));
  progress.offsets(new Map([[`sha256:${hex('b')}`, 20]]));
  progress.offsets(new Map([[`sha256:${hex('b')}`, 20]]));
  progress.line(debug(`Upload of layer sha256:${hex('b')} complete`));
  progress.end();
  const shown = events.map((event) => `${event.id}:${event.status}${event.current !== undefined ? ` ${event.current}/${event.total}` : ''}`);
  assert.deepEqual(shown, [
    '333333333333:Preparing', '222222222222:Preparing', '111111111111:Preparing',
    '333333333333:Waiting', '222222222222:Waiting', '111111111111:Waiting',
    '111111111111:Layer already exists',
    '333333333333:Mounted from other/repo',
    '222222222222:Pushing 20/50', '222222222222:Pushing 50/50', '222222222222:Pushed',
  ]);
});

test('push progress: lines that are not debug lines are ignored; Go escapes survive', () => {
  assert.equal(debugMessage('Copying blob sha256:abc'), undefined);
  assert.equal(debugMessage('time="x" level=debug msg="a \\"b\\""'), 'a "b"');
});

test('push manifest: OCI types for each kept compression, config digest of the exact bytes; unknown types refused', () => {
  assert.equal(ociLayerType('application/vnd.docker.image.rootfs.diff.tar.gzip'), 'application/vnd.oci.image.layer.v1.tar+gzip');
  assert.equal(ociLayerType('application/vnd.docker.image.rootfs.diff.tar'), 'application/vnd.oci.image.layer.v1.tar');
  assert.throws(() => ociLayerType('application/vnd.docker.image.rootfs.foreign.diff.tar.gzip'), /cannot push a layer/);
  const manifest = pushManifest({ configText: '{"a":1}', layers: [layer('a', '1', 100)] });
  const parsed = JSON.parse(manifest.raw) as { config: { digest: string; size: number }; layers: Array<{ mediaType: string }> };
  assert.equal(parsed.config.digest, 'sha256:015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862');
  assert.equal(parsed.config.size, 7);
  assert.equal(manifest.size, Buffer.byteLength(manifest.raw));
  assert.match(manifest.digest, /^sha256:[0-9a-f]{64}$/);
});
