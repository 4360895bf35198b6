import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeExecConfig } from './exec-service.js';

test('exec create: Docker fields decoded, null Env accepted, empty Cmd refused', () => {
  const config = decodeExecConfig({ Cmd: ['ip', 'addr'], Env: null, Tty: false, AttachStdout: true, AttachStderr: true, User: '', WorkingDir: '', Privileged: false, DetachKeys: '' });
  assert.deepEqual(config, { cmd: ['ip', 'addr'], env: [], tty: false, attachStdin: false, attachStdout: true, attachStderr: true, user: '', workingDir: '', privileged: false, detachKeys: '' });
  assert.throws(() => decodeExecConfig({ Cmd: [] }), /No exec command specified/);
  assert.throws(() => decodeExecConfig(null), /No exec command specified/);
});
