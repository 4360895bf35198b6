import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeExecCreate, decodeExecStart } from './exec.js';
import { EngineError } from '../../errors/index.js';

test('exec create: Docker fields decoded, null Env accepted, empty Cmd refused', () => {
  const config = decodeExecCreate({ Cmd: ['ip', 'addr'], Env: null, Tty: false, AttachStdout: true, AttachStderr: true, User: '', WorkingDir: '', Privileged: false, DetachKeys: '' });
  assert.deepEqual(config, { cmd: ['ip', 'addr'], env: [], tty: false, attachStdin: false, attachStdout: true, attachStderr: true, user: '', workingDir: '', privileged: false, detachKeys: '' });
  assert.throws(() => decodeExecCreate({ Cmd: [] }), /No exec command specified/);
  assert.throws(() => decodeExecCreate(null), /No exec command specified/);
  assert.throws(() => decodeExecCreate({ Cmd: ['sh'], DetachKeys: 'ctrl-1' }), { kind: 'invalid', message: 'Invalid detach keys (ctrl-1) provided' });
});

test('exec start: empty body attaches; Detach and Tty read; bad JSON is a 400', () => {
  assert.deepEqual(decodeExecStart(''), { detach: false });
  assert.deepEqual(decodeExecStart('{"Detach":true,"Tty":false}'), { detach: true, tty: false });
  assert.throws(() => decodeExecStart('{'), { kind: 'invalid', code: 'request-json' });
});

test('exec create: Privileged is refused with a 400 naming it, never taken and ignored', () => {
  assert.throws(
    () => decodeExecCreate({ Cmd: ['id'], Privileged: true }),
    (error: unknown) => error instanceof EngineError && error.kind === 'invalid' && /Privileged \(--privileged\)/.test(error.message),
  );
  assert.equal(decodeExecCreate({ Cmd: ['id'], Privileged: false }).privileged, false);
});
