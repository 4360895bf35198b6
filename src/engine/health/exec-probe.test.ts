import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { Container } from '../../model/container.js';
import type { ExecHandle, ExecRequest } from '../containers/dependencies.js';
import { execProbe } from './exec-probe.js';

const target = { id: 'c1', config: { env: ['A=1'], user: 'nobody', workingDir: '' } } as unknown as Container;

/** An exec whose process writes `output` and exits with `code` after `ms` (never when ms is Infinity); kill() ends it with 137. */
function fakeExec(output: string, code: number, ms: number) {
  const seen = { requests: [] as ExecRequest[], kills: 0 };
  const exec = async (_id: string, _directory: string, request: ExecRequest): Promise<ExecHandle> => {
    seen.requests.push(request);
    const stdout = new PassThrough();
    let end: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => (end = resolve));
    stdout.write(output);
    if (Number.isFinite(ms)) setTimeout(() => end(code), ms);
    return {
      stdin: null, stdout, stderr: null, exited, pid: async () => 1, resize: async () => undefined,
      kill: () => {
        seen.kills += 1;
        end(137);
      },
    };
  };
  return { exec, seen };
}

test('a probe runs in the container as the container user and env, and reports exit code and output', async () => {
  const { exec, seen } = fakeExec('all good\n', 0, 5);
  const result = await execProbe({ exec }, () => '/dir').run(target, ['/bin/sh', '-c', 'true'], 1e9).result;
  assert.equal(result.exitCode, 0);
  assert.equal(result.output, 'all good\n');
  assert.deepEqual(seen.requests[0], { args: ['/bin/sh', '-c', 'true'], env: ['A=1'], cwd: '/', user: 'nobody', groupAdd: [], tty: false, stdin: false });
  assert.ok(result.start <= result.end);
});

test('a probe that hangs past its timeout is killed and fails with -1', async () => {
  const { exec, seen } = fakeExec('', 0, Number.POSITIVE_INFINITY);
  const started = Date.now();
  const result = await execProbe({ exec }, () => '/dir').run(target, ['sleep', '100'], 50e6).result;
  assert.ok(Date.now() - started < 1_000);
  assert.equal(seen.kills, 1);
  assert.deepEqual([result.exitCode, result.output], [-1, 'Health check exceeded timeout (50ms)']);
});

test('a probe that cannot start fails with -1 and the reason', async () => {
  const exec = async (): Promise<ExecHandle> => {
    throw new Error('unable to find user nobody');
  };
  const result = await execProbe({ exec }, () => '/dir').run(target, ['true'], 1e9).result;
  assert.deepEqual([result.exitCode, result.output], [-1, 'unable to find user nobody']);
});

test('a cancelled probe is killed', async () => {
  const { exec, seen } = fakeExec('', 0, Number.POSITIVE_INFINITY);
  const probe = execProbe({ exec }, () => '/dir').run(target, ['sleep', '100'], 10e9);
  await new Promise((resolve) => setTimeout(resolve, 10));
  probe.cancel();
  assert.equal((await probe.result).exitCode, 137);
  assert.equal(seen.kills, 1);
});
