import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { hostPlatform, parsePlatform } from '../../../util/platform.js';
import { decodeManifest, type IndexEntry } from './manifest.js';
import { choosePlatform } from './platform.js';

const d = (char: string): string => `sha256:${char.repeat(64)}`;
const manifest = {
  schemaVersion: 2,
  mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
  config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: d('c'), size: 100 },
  layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: d('1'), size: 2000 }],
};

test('a schema 2 manifest decodes, its digest the sha256 of the bytes as sent', () => {
  const raw = JSON.stringify(manifest);
  const decoded = decodeManifest(raw);
  assert.equal(decoded.kind, 'manifest');
  assert.equal(decoded.digest, `sha256:${createHash('sha256').update(raw).digest('hex')}`);
  if (decoded.kind !== 'manifest') return;
  assert.deepEqual(decoded.layers, [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: d('1'), size: 2000 }]);
  assert.equal(decoded.raw, raw);
  const oci = decodeManifest(JSON.stringify({ schemaVersion: 2, config: { ...manifest.config, mediaType: 'application/vnd.oci.image.config.v1+json' }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd', digest: d('2'), size: 1 }] }));
  assert.equal(oci.kind === 'manifest' && oci.mediaType, 'application/vnd.oci.image.manifest.v1+json');
});

test('hostile or unsupported manifests are refused, naming what is wrong', () => {
  const bad: Array<[string, RegExp]> = [
    ['not json', /not JSON/],
    ['[]', /not a JSON object/],
    [JSON.stringify({ schemaVersion: 1, name: 'x' }), /schema version 1 is not supported/],
    [JSON.stringify({ ...manifest, mediaType: 'text/html' }), /unsupported manifest media type "text\/html"/],
    [JSON.stringify({ ...manifest, layers: [{ ...manifest.layers[0], mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip' }] }), /layers\[0\] has an unsupported media type/],
    [JSON.stringify({ ...manifest, layers: [{ ...manifest.layers[0], digest: 'sha256:../../etc' }] }), /layers\[0\] has no valid sha256 digest/],
    [JSON.stringify({ ...manifest, layers: [{ ...manifest.layers[0], size: -1 }] }), /no valid size/],
    [JSON.stringify({ ...manifest, layers: 'x' }), /layers is not a list/],
    [JSON.stringify({ ...manifest, config: null }), /config is not an object/],
    [JSON.stringify({ ...manifest, layers: new Array(1001).fill(manifest.layers[0]) }), /at most 1000/],
  ];
  for (const [raw, message] of bad) {
    assert.throws(() => decodeManifest(raw), (error: Error & { kind?: string }) => message.test(error.message) && error.kind === 'system', raw.slice(0, 60));
  }
});

const index = (entries: Array<{ platform?: object; digest: string }>): string => JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.index.v1+json',
  manifests: entries.map((entry) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 10, ...entry })),
});

test('an index: the host platform or the requested one is chosen, variants as containerd matches them', () => {
  const decoded = decodeManifest(index([
    { platform: { os: 'linux', architecture: 'arm', variant: 'v6' }, digest: d('6') },
    { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }, digest: d('8') },
    { platform: { os: 'windows', architecture: 'amd64' }, digest: d('9') },
    { platform: { os: 'linux', architecture: 'amd64' }, digest: d('a') },
    { digest: d('b') },
  ]));
  assert.equal(decoded.kind, 'index');
  const entries = (decoded as { manifests: IndexEntry[] }).manifests;
  assert.equal(choosePlatform(entries, hostPlatform('x64')).digest, d('a'));
  assert.equal(choosePlatform(entries, hostPlatform('arm64')).digest, d('8'));
  assert.equal(choosePlatform(entries, parsePlatform('linux/arm64')).digest, d('8'));
  assert.equal(choosePlatform(entries, parsePlatform('linux/aarch64')).digest, d('8'));
  assert.equal(choosePlatform(entries, parsePlatform('linux/arm/v6')).digest, d('6'));
  assert.equal(choosePlatform(entries, parsePlatform('linux/x86_64')).digest, d('a'));
  assert.throws(() => choosePlatform(entries, parsePlatform('linux/arm/v7')), /^EngineError: no matching manifest for linux\/arm\/v7 in the manifest list entries$/);
  assert.throws(() => choosePlatform(entries, parsePlatform('linux/s390x')), (error: Error & { kind?: string }) => error.kind === 'not-found');
});

test('platform= is decoded or a 400', () => {
  assert.equal(parsePlatform(''), undefined);
  assert.deepEqual(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
  assert.deepEqual(parsePlatform('linux/armhf'), { os: 'linux', architecture: 'arm', variant: 'v7' });
  for (const text of ['windows/amd64', 'linux/amd64/v1/x', 'linux/../x', 'linux/a b', 'linux//']) {
    assert.throws(() => parsePlatform(text), (error: Error & { kind?: string }) => error.kind === 'invalid', text);
  }
});

test('an index entry that is itself an index is refused (no nesting)', () => {
  const raw = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: d('1'), size: 1 }] });
  assert.throws(() => decodeManifest(raw), /manifests\[0\] has an unsupported media type/);
});
