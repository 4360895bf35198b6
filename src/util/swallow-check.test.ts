/**
 * Keeps "no error vanishes without a reason" true: every catch in src/ that swallows an error
 * (`.catch(() => undefined)` and its siblings, a `catch {}` that neither rethrows nor logs) has a
 * comment on its line or the line before saying why silence is right. Logging, rethrowing or
 * runUndo (src/util/undo.ts) are the other ways out, and this scan does not flag them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A rejection handler that ignores the error: `.catch(() => undefined)`, `.catch(() => '')`, `.catch(() => {})`... */
const SWALLOWING_ARROW = /\.catch\(\(\) => /;
const THROWING_BLOCK_ARROW = /\.catch\(\(\) => \{\s*$/;
const BARE_CATCH = /\bcatch(\s*\(\w*\))?\s*\{\s*(\}|$)/;
const COMMENT = /\/\/|\/\*|^\s*\*/;

/** 1-based line numbers of swallowing catches with no reason next to them. */
export function unexplainedSwallows(source: string): number[] {
  const lines = source.split('\n');
  const found: number[] = [];
  const commented = (index: number): boolean => index >= 0 && index < lines.length && COMMENT.test(lines[index] ?? '');
  lines.forEach((line, index) => {
    if (commented(index) || commented(index - 1)) return;
    if (THROWING_BLOCK_ARROW.test(line)) {
      if (!/\bthrow\b/.test(lines[index + 1] ?? '')) found.push(index + 1);
    } else if (SWALLOWING_ARROW.test(line)) found.push(index + 1);
    else if (BARE_CATCH.test(line) && !explainedBlock(lines, index)) found.push(index + 1);
  });
  return found;
}

/** A catch block is fine when its first line is a comment, it rethrows, or it uses the error (logs, wraps). */
function explainedBlock(lines: readonly string[], start: number): boolean {
  const head = lines[start] ?? '';
  if (/\{\s*\}/.test(head)) return false;
  if (COMMENT.test(lines[start + 1] ?? '')) return true;
  const binding = /catch\s*\((\w+)\)/.exec(head)?.[1];
  const handled = binding === undefined ? /\bthrow\b/ : new RegExp(`\\bthrow\\b|\\b${binding}\\b`);
  const indent = head.search(/\S/);
  for (let index = start + 1; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (line.search(/\S/) === indent && line.trim().startsWith('}')) return false;
    if (handled.test(line)) return true;
  }
  return false;
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !/\.(test|test-support|contract)\.ts$/.test(entry.name) ? [path] : [];
  });
}

test('the scan flags unexplained swallows and accepts a reason, a log or a rethrow', () => {
  const flagged = [
    'await step().catch(() => undefined);',
    "const text = await readFile(path).catch(() => '');",
    "const tags = await readFile(path).catch(() => '{}');",
    'await close().catch(() => {});',
    'await close().catch(() => {\n  return 1;\n});',
    'try {\n  work();\n} catch {\n  return false;\n}',
    'try {\n  work();\n} catch (error) {}',
    'try {\n  work();\n} catch (error) {\n  return undefined;\n}',
  ];
  for (const source of flagged) assert.notDeepEqual(unexplainedSwallows(source), [], source);
  const accepted = [
    '// already gone is success (idempotent removal)\nawait remove().catch(() => undefined);',
    'await remove().catch(() => undefined); // already gone',
    'await remove().catch(logError(logger, "warn", "remove"));',
    "await read().catch(() => {\n  throw invalid('x', 'missing');\n});",
    'try {\n  work();\n} catch {\n  // not JSON: shown as text\n  return text;\n}',
    "try {\n  work();\n} catch {\n  throw invalid('x', 'bad');\n}",
    "try {\n  work();\n} catch (error) {\n  logger.warn('work', { error: String(error) });\n}",
  ];
  for (const source of accepted) assert.deepEqual(unexplainedSwallows(source), [], source);
});

test('no catch in src/ swallows an error without a reason next to it', () => {
  const root = fileURLToPath(new URL('../../../src/', import.meta.url));
  const offenders = sourceFiles(root).flatMap((file) =>
    unexplainedSwallows(readFileSync(file, 'utf8')).map((line) => `src/${relative(root, file)}:${line}`),
  );
  assert.deepEqual(offenders, [], `swallowing catches without a reason (log it, use runUndo, or say why in a comment):\n${offenders.join('\n')}`);
});
