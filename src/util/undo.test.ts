import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from './logger.js';
import { errorFields, logError } from './log-error.js';
import { UndoStack, runUndo } from './undo.js';

function capture(): { logger: ReturnType<typeof createLogger>; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return { logger: createLogger('debug', (line) => lines.push(JSON.parse(line) as Record<string, unknown>)), lines };
}

test('runUndo runs the steps last registered first', async () => {
  const { logger } = capture();
  const ran: string[] = [];
  await runUndo(['a', 'b', 'c'].map((name) => ({ name, run: () => void ran.push(name) })), logger);
  assert.deepEqual(ran, ['c', 'b', 'a']);
});

test('a failed step neither stops the others nor throws, and is logged with its name and error', async () => {
  const { logger, lines } = capture();
  const ran: string[] = [];
  const failed = await runUndo(
    [
      { name: 'remove sandbox', run: async () => void ran.push('sandbox') },
      { name: 'disconnect web', run: async () => Promise.reject(Object.assign(new Error('Cannot find device'), { code: 'ENODEV' })) },
      { name: 'unpublish ports', run: () => { throw new Error('nft said no'); } },
    ],
    logger,
    { container: 'c1' },
  );
  assert.equal(failed, 2);
  assert.deepEqual(ran, ['sandbox']);
  assert.equal(lines.length, 2);
  assert.deepEqual(
    lines.map(({ level, msg, step, error, code, container }) => ({ level, msg, step, error, code, container })),
    [
      { level: 'warn', msg: 'rollback step failed', step: 'unpublish ports', error: 'nft said no', code: undefined, container: 'c1' },
      { level: 'warn', msg: 'rollback step failed', step: 'disconnect web', error: 'Cannot find device', code: 'ENODEV', container: 'c1' },
    ],
  );
});

test('the caller rethrows the original error after a rollback whose steps failed', async () => {
  const { logger } = capture();
  const original = new Error('runtime failed');
  const undo = new UndoStack();
  const useCase = async (): Promise<void> => {
    try {
      undo.push('remove sandbox', () => Promise.reject(new Error('busy')));
      throw original;
    } catch (error) {
      await undo.rollback(logger);
      throw error;
    }
  };
  await assert.rejects(useCase(), (error) => error === original);
  assert.equal(undo.size, 0);
});

test('UndoStack.rollback empties the stack, so a second rollback runs nothing twice', async () => {
  const { logger } = capture();
  let runs = 0;
  const undo = new UndoStack();
  undo.push('once', () => void (runs += 1));
  await undo.rollback(logger);
  await undo.rollback(logger);
  assert.equal(runs, 1);
});

test('errorFields keeps message, code and cause; non-errors become text', () => {
  assert.deepEqual(errorFields(new Error('outer', { cause: new Error('inner') })), { error: 'outer', cause: 'inner' });
  assert.deepEqual(errorFields('plain'), { error: 'plain' });
});

test('logError logs at the level asked, with the fields and the error, and resolves to undefined', async () => {
  const { logger, lines } = capture();
  const result = await Promise.reject(new Error('gone')).catch(logError(logger, 'debug', 'kill', { container: 'c1' }));
  assert.equal(result, undefined);
  assert.deepEqual(lines.map(({ level, msg, container, error }) => ({ level, msg, container, error })), [{ level: 'debug', msg: 'kill', container: 'c1', error: 'gone' }]);
});
