import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container } from '../../model/container.js';
import { containerTop, decodePsArgs, parsePs } from './container-top.js';

const PS = `UID          PID    PPID  C STIME TTY          TIME CMD
root           1       0  0 01:00 ?        00:00:01 /sbin/init
root        4242    4200  0 01:02 ?        00:00:00 sleep 600
root        4243    4242  0 01:02 ?        00:00:00 sh -c echo  two  spaces
`;

test('parsePs keeps the container rows only, the command with its spaces', () => {
  assert.deepEqual(parsePs(PS, [4242, 4243]), {
    titles: ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD'],
    processes: [
      ['root', '4242', '4200', '0', '01:02', '?', '00:00:00', 'sleep 600'],
      ['root', '4243', '4242', '0', '01:02', '?', '00:00:00', 'sh -c echo two spaces'],
    ],
  });
  assert.throws(() => parsePs('USER COMMAND\nroot x\n', [1]), /Couldn't find PID field/);
});

test("decodePsArgs: Docker's default, split on spaces, renaming PID refused, no control characters", () => {
  assert.deepEqual(decodePsArgs(''), ['-ef']);
  assert.deepEqual(decodePsArgs('aux'), ['aux']);
  assert.deepEqual(decodePsArgs('-o pid,comm'), ['-o', 'pid,comm']);
  assert.throws(() => decodePsArgs('-o user= PID'), /"user=PID" is not allowed/);
  assert.throws(() => decodePsArgs('-ef\n'), /printable ASCII/);
});

test('containerTop: -q with the pids first, ps without it when that fails; a stopped container is a 409', async () => {
  const calls: string[][] = [];
  const running = { id: 'c1', state: { status: 'running' } } as Container;
  const deps = {
    containers: { get: () => running },
    pids: async () => [4242],
    ps: async (args: readonly string[]) => {
      calls.push([...args]);
      if (args.includes('-q')) throw new Error('incompatible');
      return PS;
    },
  };
  const result = await containerTop(deps, 'c1', 'f');
  assert.deepEqual(calls, [['f', '-q', '4242'], ['f']]);
  assert.deepEqual(result.processes.map((row) => row[1]), ['4242']);
  const stopped = { ...deps, containers: { get: () => ({ id: 'c2', state: { status: 'exited' } }) as Container } };
  await assert.rejects(containerTop(stopped, 'c2'), (error: Error & { status?: number }) => /is not running/.test(error.message));
});
