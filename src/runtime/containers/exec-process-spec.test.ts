import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execProcess, writeExecProcess } from './exec-process-spec.js';

const BASE = {
  terminal: false, consoleSize: { height: 24, width: 80 }, args: ['/sbin/docker-init', '--', 'sleep', '300'], env: ['PATH=/bin', 'A=1'], cwd: '/srv',
  user: { uid: 1000, gid: 1000, additionalGids: [50, 2000] }, capabilities: { bounding: ['CAP_CHOWN'] }, noNewPrivileges: true, rlimits: [{ type: 'RLIMIT_NOFILE', hard: 10, soft: 10 }],
};

test("exec -u's process: the user's identity replaces the container's groups; the container's confinement stays", () => {
  const process = execProcess(BASE, { args: ['id'], env: ['B=2'], cwd: '', tty: true, user: { uid: 1001, gid: 1001, additionalGids: [] } });
  assert.deepEqual(process, {
    terminal: true, args: ['id'], env: ['PATH=/bin', 'A=1', 'B=2'], cwd: '/srv', user: { uid: 1001, gid: 1001 },
    capabilities: { bounding: ['CAP_CHOWN'] }, noNewPrivileges: true, rlimits: [{ type: 'RLIMIT_NOFILE', hard: 10, soft: 10 }],
  });
  const grouped = execProcess(BASE, { args: ['id'], env: [], cwd: '/tmp', tty: false, user: { uid: 0, gid: 0, additionalGids: [50] } });
  assert.deepEqual([grouped['cwd'], grouped['user']], ['/tmp', { uid: 0, gid: 0, additionalGids: [50] }]);
});

test('the process file is written from the bundle config; a config without a process is an error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'conet-exec-spec-'));
  try {
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ociVersion: '1.0.2', process: BASE }));
    await writeExecProcess(join(dir, 'config.json'), join(dir, 'exec-1.json'), { args: ['id'], env: [], cwd: '', tty: false, user: { uid: 5, gid: 6, additionalGids: [7] } });
    const written = JSON.parse(await readFile(join(dir, 'exec-1.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(written['user'], { uid: 5, gid: 6, additionalGids: [7] });
    await writeFile(join(dir, 'bad.json'), '{"process": []}');
    await assert.rejects(writeExecProcess(join(dir, 'bad.json'), join(dir, 'exec-2.json'), { args: ['id'], env: [], cwd: '', tty: false, user: { uid: 0, gid: 0, additionalGids: [] } }), /has no process/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
