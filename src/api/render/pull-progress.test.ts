import assert from 'node:assert/strict';
import { test } from 'node:test';
import { humanSize, progressBar, renderPullEvent, renderStreamError } from './pull-progress.js';

test('sizes and bars as the Docker daemon draws them', () => {
  assert.equal(humanSize(0), '0B');
  assert.equal(humanSize(999), '999B');
  assert.equal(humanSize(1234), '1.234kB');
  assert.equal(humanSize(20_004_033), '20MB');
  assert.equal(humanSize(2_536_000), '2.536MB');
  assert.equal(progressBar(10, 20), `[${'='.repeat(25)}>${' '.repeat(25)}]      10B/20B`);
  assert.equal(progressBar(20, 20), `[${'='.repeat(50)}>] ${'20B'.padStart(8)}/20B`);
});

test('messages: layer lines with progressDetail, pull lines without', () => {
  assert.deepEqual(renderPullEvent({ status: 'Pulling from library/nginx', id: '1.9.1' }), { status: 'Pulling from library/nginx', id: '1.9.1' });
  assert.deepEqual(renderPullEvent({ status: 'Pulling fs layer', id: 'abc' }), { status: 'Pulling fs layer', progressDetail: {}, id: 'abc' });
  assert.deepEqual(renderPullEvent({ status: 'Downloading', id: 'abc', current: 5, total: 10 }), { status: 'Downloading', progressDetail: { current: 5, total: 10 }, progress: progressBar(5, 10), id: 'abc' });
  assert.deepEqual(renderPullEvent({ status: 'Digest: sha256:x' }), { status: 'Digest: sha256:x' });
  assert.deepEqual(renderStreamError('boom'), { errorDetail: { message: 'boom' }, error: 'boom' });
});
