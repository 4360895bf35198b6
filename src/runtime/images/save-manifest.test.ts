import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSaveManifest } from './save-manifest.js';
import { looksLikeId, parseReference } from './reference.js';

test('save manifest: configs, tags and layers in order; unsafe paths refused', () => {
  const manifest = JSON.stringify([{ Config: 'abc.json', RepoTags: ['web:1'], Layers: ['l1/layer.tar', 'l2/layer.tar'] }]);
  assert.deepEqual(parseSaveManifest(manifest), [{ config: 'abc.json', repoTags: ['web:1'], layers: ['l1/layer.tar', 'l2/layer.tar'] }]);
  assert.deepEqual(parseSaveManifest(JSON.stringify([{ Config: 'c.json', RepoTags: null, Layers: [] }]))[0]?.repoTags, []);
  assert.throws(() => parseSaveManifest(JSON.stringify([{ Config: '../etc/passwd', Layers: [] }])), /Config must be a relative path/);
  assert.throws(() => parseSaveManifest(JSON.stringify([{ Config: 'c.json', Layers: ['/abs.tar'] }])), /every layer/);
  assert.throws(() => parseSaveManifest('{'), /invalid manifest.json/);
});

test('references: default tag, docker.io/library prefix, registry ports, ids', () => {
  assert.deepEqual(parseReference('busybox'), { repository: 'busybox', tag: 'latest' });
  assert.deepEqual(parseReference('docker.io/library/nginx:1.9.1'), { repository: 'nginx', tag: '1.9.1' });
  assert.deepEqual(parseReference('localhost:5000/team/app'), { repository: 'localhost:5000/team/app', tag: 'latest' });
  assert.throws(() => parseReference('UPPER'), /invalid reference format/);
  assert.ok(looksLikeId('sha256:abcd1234'));
  assert.ok(!looksLikeId('busybox'));
});
