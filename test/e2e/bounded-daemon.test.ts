/**
 * Issue 10 item 11, the daemon's side: a second conetd on the same data root is refused (the
 * lock file `conetd.lock`) with a message naming the root and the holder's pid, the first one
 * unharmed; the daemon's `log-opts` are the default cap of containers that set none; a config
 * asking for a log driver conet can't honour stops the daemon at start.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { run } from '../../src/exec/index.js';
import { CONET_BIN, delay, withHost, type TestHost } from '../helpers/host.js';

/** conetd started by hand in the host's namespace; it must exit by itself (a refused start). */
function secondDaemon(host: TestHost, args: string[]) {
  const argv = ['nsenter', `--net=${host.netnsPath}`, '--', process.execPath, CONET_BIN, 'daemon', '--log-level', 'info', ...args];
  return run(argv, { allowFailure: true, timeoutMs: 60_000 });
}

test('a second daemon on the same data root is refused, naming the root and the holder pid; the first keeps serving', async () => {
  await withHost(async (host) => {
    const dataRoot = join(host.dir, 'data');
    const execRoot = join(host.dir, 'exec-second');
    try {
      const id = await host.dockerOk(['run', '-d', 'busybox', 'sleep', '300']);
      const second = await secondDaemon(host, ['--host', `unix://${join(host.dir, 'second.sock')}`, '--data-root', dataRoot, '--exec-root', execRoot]);
      assert.notEqual(second.code, 0, 'the second daemon exits non-zero');
      assert.match(second.stderr, new RegExp(`data root ${dataRoot} is in use by another conetd \\(pid ${host.daemonPid}`));
      assert.equal(await stat(join(host.dir, 'second.sock')).catch(() => undefined), undefined, 'it never served');
      assert.equal(await stat(execRoot).catch(() => undefined), undefined, 'it stopped before touching its exec root');
      assert.equal(await host.dockerOk(['inspect', '-f', '{{.State.Running}}', id]), 'true', 'the first daemon and its container are unharmed');
      assert.equal(await host.dockerOk(['exec', id, 'echo', 'still here']), 'still here');
      // Once the first has gone, the lock is free again (also after a crash: it was the daemon's descriptor).
      await host.restart({ crash: true });
      assert.equal(await host.dockerOk(['inspect', '-f', '{{.State.Running}}', id]), 'true');
    } finally {
      await rm(execRoot, { recursive: true, force: true });
    }
  });
});

test('the daemon log-opts are the default cap: a container without options rotates at them', async () => {
  await withHost(async (host) => {
    const script = 'i=0; while [ $i -lt 6000 ]; do echo "line-$i-padpadpadpad"; i=$((i+1)); [ $((i % 300)) -eq 0 ] && usleep 300000; done; echo DONE; sleep 1000';
    const id = await host.dockerOk(['run', '-d', 'busybox', 'sh', '-c', script]);
    const own = await host.dockerOk(['create', '--log-opt', 'max-file=4', 'busybox', 'true']);
    const config = (ref: string) => host.dockerOk(['inspect', '-f', '{{json .HostConfig.LogConfig}}', ref]);
    assert.deepEqual(JSON.parse(await config(id)), { Type: 'json-file', Config: { 'max-size': '64k', 'max-file': '2' } });
    assert.deepEqual(JSON.parse(await config(own)), { Type: 'json-file', Config: { 'max-size': '64k', 'max-file': '4' } });
    const deadline = Date.now() + 120_000;
    while (!(await host.docker(['logs', '--tail', '1', id])).stdout.includes('DONE')) {
      assert.ok(Date.now() < deadline, 'the writer finished');
      await delay(300);
    }
    const logPath = await host.dockerOk(['inspect', '-f', '{{.LogPath}}', id]);
    const names = (await readdir(dirname(logPath))).filter((name) => name.startsWith(basename(logPath))).sort();
    assert.deepEqual(names, ['container.log', 'container.log.1']);
    for (const name of names) assert.ok((await stat(join(dirname(logPath), name))).size <= 2 * 64 * 1024, name);
    const lines = (await host.dockerOk(['logs', id])).split('\n');
    assert.ok(lines.length < 6000 && lines.at(-1) === 'DONE', `${lines.length} lines kept, the newest last`);
  }, { config: { 'log-opts': { 'max-size': '64k', 'max-file': '2' } } });
});

test('a daemon config with a log driver or option conet cannot honour stops the daemon at start', async () => {
  await withHost(async (host) => {
    for (const [config, message] of [[{ 'log-driver': 'syslog' }, /log driver \\?"syslog\\?" is not supported/], [{ 'log-opts': { 'max-size': '0' } }, /max-size/]] as const) {
      const file = join(host.dir, 'bad.json');
      await writeFile(file, JSON.stringify(config));
      const other = join(host.dir, 'bad');
      const result = await secondDaemon(host, ['--host', `unix://${join(host.dir, 'bad.sock')}`, '--data-root', join(other, 'data'), '--exec-root', join(other, 'exec'), '--config', file]);
      await rm(other, { recursive: true, force: true });
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, message);
    }
  });
});
