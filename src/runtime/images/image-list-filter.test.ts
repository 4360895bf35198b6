import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError, notFound } from '../../errors/index.js';
import type { ImageRecord } from '../../model/image.js';
import { familiarName, listSelector } from './image-list-filter.js';

function image(id: string, created: string, repoTags: string[], repoDigests: string[] = [], labels: Record<string, string> = {}): ImageRecord {
  return {
    id,
    repoTags,
    repoDigests,
    size: 1,
    lastTagTime: '',
    config: { architecture: 'amd64', os: 'linux', created, config: { Cmd: null, Entrypoint: null, Env: null, WorkingDir: '', Labels: labels, User: '' }, rootfs: { type: 'layers', diff_ids: [] } },
  } as ImageRecord;
}

const digest = `sha256:${'a'.repeat(64)}`;
const images = [
  image('sha256:1', '2026-01-01T00:00:00Z', ['nginx:1.9.1', 'nginx:latest', 'web:1'], [`nginx@${digest}`], { tier: 'front' }),
  image('sha256:2', '2026-02-01T00:00:00Z', ['10.0.0.1:5000/library/nginx:1.9.1']),
  image('sha256:3', '2026-03-01T00:00:00Z', []),
];
const resolve = (name: string): ImageRecord => {
  const found = images.find((item) => item.id === name || item.repoTags.includes(name));
  if (!found) throw notFound('no-such-image', `No such image: ${name}`);
  return found;
};
const list = (filters: Record<string, string[]>): ImageRecord[] => images.flatMap((item) => listSelector(JSON.stringify(filters), resolve)(item) ?? []);

test('image list: reference matches the familiar string or name and lists only the matching references', () => {
  const byName = list({ reference: ['nginx'] });
  assert.deepEqual(byName.map((item) => item.id), ['sha256:1']);
  assert.deepEqual(byName[0]!.repoTags, ['nginx:1.9.1', 'nginx:latest']);
  assert.deepEqual(byName[0]!.repoDigests, [`nginx@${digest}`]);
  assert.deepEqual(list({ reference: ['nginx:1.*'] })[0]!.repoTags, ['nginx:1.9.1']);
  assert.deepEqual(list({ reference: ['*/library/nginx'] }).map((item) => item.id), ['sha256:2']);
  assert.deepEqual(list({ reference: ['*/nginx'] }).map((item) => item.id), []);
  assert.deepEqual(list({ reference: ['nothing'] }), []);
});

test('image list: dangling, label, before and since', () => {
  assert.deepEqual(list({ dangling: ['true'] }).map((item) => item.id), ['sha256:3']);
  assert.deepEqual(list({ dangling: ['false'] }).map((item) => item.id), ['sha256:1', 'sha256:2']);
  assert.deepEqual(list({ label: ['tier=front'] }).map((item) => item.id), ['sha256:1']);
  assert.deepEqual(list({ before: ['10.0.0.1:5000/library/nginx:1.9.1'] }).map((item) => item.id), ['sha256:1']);
  assert.deepEqual(list({ since: ['web:1'] }).map((item) => item.id), ['sha256:2', 'sha256:3']);
});

test('image list: unknown keys, bad values and unknown images are refused', () => {
  assert.throws(() => listSelector('{"colour":{"red":true}}', resolve), (error: unknown) => error instanceof EngineError && error.kind === 'invalid');
  assert.throws(() => listSelector('{"dangling":{"maybe":true}}', resolve), (error: unknown) => error instanceof EngineError && error.kind === 'invalid');
  assert.throws(() => listSelector('{"reference":{"[bad":true}}', resolve), (error: unknown) => error instanceof EngineError && error.kind === 'invalid');
  assert.throws(() => listSelector('{"before":{"ghost":true}}', resolve), (error: unknown) => error instanceof EngineError && error.kind === 'not-found');
});

test('familiarName strips the tag or digest, not a registry port', () => {
  assert.equal(familiarName('nginx:1.9.1'), 'nginx');
  assert.equal(familiarName('host:5000/app'), 'host:5000/app');
  assert.equal(familiarName(`host:5000/app@${digest}`), 'host:5000/app');
});
