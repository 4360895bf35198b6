import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExecError } from '../../../exec/index.js';
import { pullError, skopeoMessage } from './skopeo-errors.js';

const context = { familiar: '10.0.0.1:5000/library/nginx:nope', name: '10.0.0.1:5000/library/nginx', domain: '10.0.0.1:5000', timeoutMs: 30_000 };
const fatal = (msg: string): ExecError => new ExecError(['skopeo'], 'exit', { code: 1, stderr: `time="2026-12-06T04:28:43Z" level=fatal msg=${JSON.stringify(msg)}\n` });
const check = (error: Error, kind: string, message: string): void => {
  assert.equal((error as Error & { kind?: string }).kind, kind);
  assert.equal(error.message, message);
};

test('skopeo\'s fatal line is unquoted and unwrapped', () => {
  assert.equal(skopeoMessage('time="x" level=fatal msg="Error parsing image name \\"docker://a\\": reading manifest x in a: manifest unknown: manifest unknown"'), 'reading manifest x in a: manifest unknown: manifest unknown');
  assert.equal(skopeoMessage('plain text\n'), 'plain text');
});

test('registry errors in Docker\'s words', () => {
  check(pullError(fatal('Error parsing image name "docker://x": reading manifest nope in 10.0.0.1:5000/library/nginx: manifest unknown: manifest unknown'), context), 'not-found',
    'manifest for 10.0.0.1:5000/library/nginx:nope not found: manifest unknown: manifest unknown');
  check(pullError(fatal('Error parsing image name "docker://x": reading manifest 1 in 10.0.0.1:5000/library/nginx: unauthorized: authentication required'), context), 'not-found',
    "pull access denied for 10.0.0.1:5000/library/nginx, repository does not exist or may require 'docker login': denied: requested access to the resource is denied");
  check(pullError(fatal('reading manifest 1 in x: denied: requested access to the resource is denied'), context), 'not-found',
    "pull access denied for 10.0.0.1:5000/library/nginx, repository does not exist or may require 'docker login': denied: requested access to the resource is denied");
  check(pullError(fatal('reading manifest 1 in x: name unknown: repository name not known to registry'), context), 'not-found',
    'repository 10.0.0.1:5000/library/nginx not found: name unknown: repository name not known to registry');
  const hex = 'a'.repeat(64);
  check(pullError(fatal(`copying system image from manifest list: writing blob: happened during read: Digest did not match, expected sha256:${hex}, got sha256:${'b'.repeat(64)}`), context), 'system',
    `filesystem layer verification failed for digest sha256:${hex}`);
});

test('a registry down or silent: the Get that failed, or the timeout named', () => {
  check(pullError(fatal('Error parsing image name "docker://x": pinging container registry 10.0.0.1:5000: Get "https://10.0.0.1:5000/v2/": dial tcp 10.0.0.1:5000: connect: connection refused'), context), 'system',
    'Get "https://10.0.0.1:5000/v2/": dial tcp 10.0.0.1:5000: connect: connection refused');
  check(pullError(fatal('pinging container registry 10.0.0.1:5000: Get "https://10.0.0.1:5000/v2/": context deadline exceeded'), context), 'system',
    'registry 10.0.0.1:5000 did not answer within 30s (registry-timeout): pinging container registry 10.0.0.1:5000: Get "https://10.0.0.1:5000/v2/": context deadline exceeded');
  assert.match(pullError(new ExecError(['skopeo'], 'timeout', { stderr: '' }), context).message, /did not answer within 30s/);
  assert.match(pullError(new ExecError(['skopeo'], 'aborted', {}), context).message, /pull cancelled/);
  check(pullError(fatal('parsing manifest: something odd'), context), 'system', 'error pulling 10.0.0.1:5000/library/nginx:nope: parsing manifest: something odd');
});
