/**
 * Issue 10, item 2, for argv: a TTY exec goes through `script -c LINE`, a shell command line, so
 * every word is quoted by shellQuote. Property: whatever the word (newlines, quotes, `$( )`, ';',
 * Unicode, long), sh and bash read it back as exactly that one word and run nothing else.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { shellQuote } from './exec-process.js';
import { hostileString } from '../../util/hostile-strings.test-support.js';

test('shellQuote: any word without NUL comes back from sh and bash as itself, one argument', () => {
  fc.assert(
    fc.property(hostileString().map((word) => word.replaceAll('\0', '').slice(0, 20_000)), fc.constantFrom('/bin/sh', '/bin/bash'), (word, shell) => {
      const result = spawnSync(shell, ['-c', `printf '%s\\0' ${shellQuote(word)}`], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(result.stdout.split('\0'), [Buffer.from(word, 'utf8').toString('utf8'), '']);
    }),
    { numRuns: 100 },
  );
});
