import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execArgv, shellQuote } from './exec-process.js';

test('runc exec argv carries env, cwd, user and the command as separate words', () => {
  const argv = execArgv('/usr/sbin/runc', '/run/x', {
    containerId: 'abc', args: ['sh', '-c', 'echo $A'], env: ['A=1'], cwd: '/tmp', user: '5:6', tty: true, stdin: true, pidFile: '/p',
  });
  assert.deepEqual(argv, ['/usr/sbin/runc', '--root', '/run/x', 'exec', '--pid-file', '/p', '-t', '--env', 'A=1', '--cwd', '/tmp', '--user', '5:6', 'abc', 'sh', '-c', 'echo $A']);
  const whole = execArgv('/usr/sbin/runc', '/run/x', { ...{ containerId: 'abc', args: ['id'], env: ['A=1'], cwd: '/tmp', user: '5:6', tty: false, stdin: false, pidFile: '/p' }, processFile: '/d/exec-1.json' });
  assert.deepEqual(whole, ['/usr/sbin/runc', '--root', '/run/x', 'exec', '--pid-file', '/p', '--process', '/d/exec-1.json', 'abc'], 'a process file carries everything');
});

test('shellQuote keeps every word literal for script -c', () => {
  assert.equal(shellQuote("it's $HOME; rm -rf /"), `'it'\\''s $HOME; rm -rf /'`);
  assert.equal(shellQuote(''), `''`);
});
