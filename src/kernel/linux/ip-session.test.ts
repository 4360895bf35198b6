import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IpBatchError, IpSession, splitOutput } from './ip-session.js';

test('splitOutput: JSON output, error text and whether the line failed', () => {
  assert.deepEqual(splitOutput('[{"ifname":"lo"}]\n'), { failed: false, output: '[{"ifname":"lo"}]', errors: '' });
  assert.deepEqual(splitOutput(''), { failed: false, output: '', errors: '' });
  assert.deepEqual(splitOutput('RTNETLINK answers: File exists\nCommand failed -:7\n'), { failed: true, output: '', errors: 'RTNETLINK answers: File exists' });
  // An error text that merely mentions the phrase is not a failure marker.
  assert.equal(splitOutput('note: Command failed -:3 earlier\n').failed, false);
});

test('a line with a line break is refused before anything is sent', () => {
  const session = new IpSession();
  assert.throws(() => session.run(['link show\nlink del dev eth0']), /line break/);
  assert.throws(() => session.run(['link show']), /addr show/);
  assert.throws(() => session.run(['link add name v0 type veth peer name eth0 netns c1']), /namespace/);
  assert.throws(() => session.run(['netns add c1']), /namespace/);
  assert.equal(session.pid, undefined, 'no ip was started');
});

test('IpBatchError names the failing line and carries ip text for the classifiers', () => {
  const error = new IpBatchError(1, 'link add name x type bridge', 'RTNETLINK answers: File exists');
  assert.equal(error.line, 1);
  assert.match(error.stderr, /File exists \(line 2: link add name x type bridge\)/);
});
