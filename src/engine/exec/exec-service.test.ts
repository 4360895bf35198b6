/** ExecService on a fake runtime: TTY choice, draining a detached exec, Docker's 126 and 409s. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { Container } from '../../model/container.js';
import type { ContainerService } from '../containers/container-service.js';
import type { ContainerStreams, ExecHandle } from '../containers/dependencies.js';
import { ExecService, type ExecConfig } from './exec-service.js';

const config: ExecConfig = { cmd: ['ip', 'addr'], env: [], tty: false, attachStdin: false, attachStdout: true, attachStderr: true, user: '', workingDir: '', privileged: false, detachKeys: '' };

function setup(status: Container['state']['status'] = 'running', options: ConstructorParameters<typeof ExecService>[2] = {}) {
  const removals: Array<(id: string) => void> = [];
  const container = { id: 'c'.repeat(64), state: { status } } as Container;
  const containers = {
    get: (reference: string) => {
      if (reference !== container.id) throw Object.assign(new Error(`No such container: ${reference}`), { kind: 'not-found' });
      return container;
    },
    find: (reference: string) => (reference === container.id ? container : undefined),
    directoryOf: () => '/nonexistent',
    onRemoved: (listener: (id: string) => void) => void removals.push(listener),
  } as unknown as ContainerService;
  let exit: (code: number) => void = () => undefined;
  const handle: ExecHandle = {
    stdin: null, stdout: new PassThrough(), stderr: new PassThrough(),
    exited: new Promise((resolve) => (exit = resolve)), pid: async () => 42, resize: async () => undefined, kill: () => exit(137),
  };
  const requests: Array<{ tty: boolean }> = [];
  let fail = false;
  const streams = {
    exec: async (_id: string, _directory: string, request: { tty: boolean }) => {
      if (fail) throw new Error('unable to find user nobody2');
      requests.push(request);
      return handle;
    },
  } as unknown as ContainerStreams;
  return { container, execs: new ExecService(containers, streams, options), removed: (id: string) => removals.forEach((listener) => listener(id)), handle, requests, exit: (code: number) => exit(code), failNext: () => (fail = true) };
}

test('a start runs once, with the TTY of the start request over the one of create, and records the exit', async () => {
  const { container, execs, requests, exit } = setup();
  const id = execs.create(container.id, config);
  assert.equal(execs.ttyOf(id), false);
  assert.equal(execs.ttyOf(id, { tty: true }), true);
  const started = await execs.start(id, { tty: true });
  assert.equal(started.tty, true);
  assert.deepEqual(requests.map((request) => request.tty), [true]);
  await assert.rejects(execs.start(id), { message: `Error: Exec command ${id} has already run` });
  exit(3);
  assert.equal(await started.finished, 3);
  assert.equal(execs.get(id).exitCode, 3);
  assert.equal(execs.get(id).pid, 42);
});

test('a detached exec has its output drained (nobody reads it, the process must not block)', async () => {
  const { container, execs, handle } = setup();
  const started = await execs.start(execs.create(container.id, config), { detach: true });
  assert.equal(started.handle.stdout?.isPaused(), false);
  assert.equal(handle.stdout?.readableFlowing, true);
  assert.equal(handle.stderr?.readableFlowing, true);
});

test("Docker's errors: not running is a 409, a failed start leaves exit code 126", async () => {
  const stopped = setup('exited');
  assert.throws(() => stopped.execs.create(stopped.container.id, config), { message: `Container ${stopped.container.id} is not running` });
  const { container, execs, failNext } = setup();
  const id = execs.create(container.id, config);
  failNext();
  await assert.rejects(execs.start(id), /unable to find user/);
  assert.equal(execs.get(id).exitCode, 126);
  assert.throws(() => execs.get('nosuch'), { message: 'No such exec instance: nosuch' });
});

test('ended sessions stay inspectable for keepMs, then are collected; all go when the container is removed', async () => {
  let now = 1_000_000;
  const { container, execs, exit, removed } = setup('running', { keepMs: 5 * 60_000, now: () => now });
  const id = execs.create(container.id, config);
  const started = await execs.start(id);
  exit(0);
  await started.finished;
  now += 4 * 60_000;
  assert.equal(execs.get(id).exitCode, 0);
  now += 60_000;
  assert.throws(() => execs.get(id), /No such exec instance/);
  assert.equal(execs.size(), 0);
  const other = execs.create(container.id, config);
  removed(container.id);
  assert.equal(execs.size(), 0);
  assert.throws(() => execs.get(other), /No such exec instance/);
});

test('at most maxSessions sessions: a create beyond gets a 409 that says why', () => {
  const { container, execs } = setup('running', { maxSessions: 3 });
  for (let index = 0; index < 3; index++) execs.create(container.id, config);
  assert.throws(() => execs.create(container.id, config), (error: Error & { kind?: string }) => error.kind === 'conflict' && /too many exec sessions \(3\)/.test(error.message));
});
