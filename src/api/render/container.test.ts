import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Container } from '../../model/container.js';
import { decodeContainerCreate } from '../decode/container-create.js';
import { renderInspect } from './container.js';

const RECORDING = new URL('../../../../test/fixtures/docker-20.10/S024.json', import.meta.url);

/** What docker-py 5 (compose v1) sends for a service with a shm_size and an oom_score_adj: only what it sets. */
function composeContainer(): Container {
  const request = decodeContainerCreate({ Image: 'busybox:latest', Cmd: ['sleep', '3600'], HostConfig: { NetworkMode: 'cmp_default', ShmSize: 16777216, OomScoreAdj: 300, Binds: [] } });
  return {
    id: 'c'.repeat(64), name: 'cmp_app_1', created: '', path: 'sleep', args: ['3600'], imageId: 'sha256:abc',
    config: request.config, hostConfig: request.hostConfig, endpointRequests: {}, sandbox: '', ports: [], restartCount: 0,
    state: { status: 'created', pid: 0, exitCode: 0, error: '', startedAt: '', finishedAt: '' },
  } as unknown as Container;
}

test('HostConfig of a container created by docker-py has every key Docker 20.10 shows, the applied values and Go zero values', async () => {
  const recorded = (JSON.parse(await readFile(RECORDING, 'utf8')) as { response: { _json: { HostConfig: Record<string, unknown> } } }).response._json.HostConfig;
  const host = renderInspect(composeContainer(), [], { directory: '/d', logPath: '/d/log', sandboxKey: '' }, '1.41')['HostConfig'] as Record<string, unknown>;
  assert.deepEqual(Object.keys(recorded).filter((key) => !(key in host)), []);
  assert.equal(host['ShmSize'], 16777216, 'the size given to /dev/shm');
  assert.equal(host['OomScoreAdj'], 300);
  assert.equal(host['Ulimits'], null);
  assert.equal(host['OomKillDisable'], false);
  assert.deepEqual(host['Binds'], [], 'what was sent is echoed');
  assert.deepEqual(host['ConsoleSize'], [0, 0]);
  const plain = renderInspect({ ...composeContainer(), hostConfig: decodeContainerCreate({ Image: 'busybox' }).hostConfig }, [], { directory: '/d', logPath: '/d/log', sandboxKey: '' }, '1.50')['HostConfig'] as Record<string, unknown>;
  assert.equal(plain['ShmSize'], 67108864, 'Docker\'s default size');
  assert.equal('KernelMemory' in plain, false, 'unset KernelMemory is omitted since 1.42');
});
