/**
 * Restart policies with the real docker CLI: `always` brings a killed process back (RestartCount
 * grows), `on-failure:2` gives up after two restarts, `unless-stopped` stays down after `docker
 * stop`, and a simulated reboot (daemon kill -9, then its monitors and the containers' processes
 * killed, then the daemon started) brings back the always and unless-stopped containers only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { delay, withHost, type TestHost } from '../helpers/host.js';

async function inspect(host: TestHost, name: string, format: string): Promise<string> {
  return host.dockerOk(['inspect', '-f', format, name]);
}

/** Polls `docker inspect` until `want` holds; fails with what it saw last. */
async function until(host: TestHost, name: string, format: string, want: (value: string) => boolean, ms = 15_000): Promise<string> {
  const deadline = Date.now() + ms;
  let seen = '';
  while (Date.now() < deadline) {
    seen = await inspect(host, name, format);
    if (want(seen)) return seen;
    await delay(50);
  }
  assert.fail(`${name}: ${format} never matched (last: ${seen})`);
}

const RUNNING = '{{.State.Status}} {{.State.Pid}} {{.RestartCount}}';

/** The container's main process, killed from the host (not `docker kill`, which is a manual stop). */
async function killProcess(host: TestHost, name: string): Promise<number> {
  const pid = Number(await inspect(host, name, '{{.State.Pid}}'));
  assert.ok(pid > 0, `${name} has a process`);
  process.kill(pid, 'SIGKILL');
  return pid;
}

async function monitorsOf(host: TestHost): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.startsWith('/usr/bin/conmon') && cmdline.includes(host.dir)) pids.push(Number(entry));
  }
  return pids;
}

test('always: a killed process comes back, RestartCount grows; docker stop keeps it down', { timeout: 180_000 }, async () => {
  await withHost(async (host) => {
    await host.dockerOk(['run', '-d', '--name', 'web', '--restart', 'always', 'busybox', 'sleep', '300']);
    assert.equal(await inspect(host, 'web', '{{.HostConfig.RestartPolicy.Name}} {{.RestartCount}}'), 'always 0');
    for (const count of [1, 2]) {
      const old = await killProcess(host, 'web');
      const seen = await until(host, 'web', RUNNING, (value) => value.startsWith('running ') && !value.includes(` ${old} `) && value.endsWith(` ${count}`));
      const pid = Number(seen.split(' ')[1]);
      // The new process is the container's command, in a fresh PID namespace (PID 1 there).
      assert.equal(await readFile(`/proc/${pid}/cmdline`, 'utf8'), 'sleep\x00300\x00');
      assert.equal(await host.dockerOk(['exec', 'web', 'sh', '-c', 'tr "\\0" " " < /proc/1/cmdline']), 'sleep 300');
    }
    assert.match(await host.dockerOk(['ps', '--format', '{{.Names}} {{.Status}}']), /^web Up /);
    await host.dockerOk(['stop', '-t', '1', 'web']);
    await delay(1_000);
    assert.equal(await inspect(host, 'web', '{{.State.Status}} {{.RestartCount}}'), 'exited 2', 'a stop is final');
  });
});

test('on-failure:2 restarts a failing command twice, then leaves it exited; exit 0 is no failure', { timeout: 120_000 }, async () => {
  await withHost(async (host) => {
    await host.dockerOk(['run', '-d', '--name', 'flaky', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'echo run; exit 3']);
    await host.dockerOk(['run', '-d', '--name', 'fine', '--restart', 'on-failure', 'busybox', 'true']);
    await until(host, 'flaky', '{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}', (value) => value === 'exited 3 2');
    await delay(1_500);
    assert.equal(await inspect(host, 'flaky', '{{.State.Status}} {{.RestartCount}}'), 'exited 2', 'no third restart');
    assert.equal((await host.dockerOk(['logs', 'flaky'])).split('\n').filter((line) => line === 'run').length, 3, 'the command ran three times');
    assert.equal(await inspect(host, 'fine', '{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}'), 'exited 0 0');
  });
});

test('--rm with --restart is refused (the API\'s 400 as Docker\'s); docker update --restart applies to the next exit', { timeout: 120_000 }, async () => {
  await withHost(async (host) => {
    const body = JSON.stringify({ Image: 'busybox', Cmd: ['true'], HostConfig: { AutoRemove: true, RestartPolicy: { Name: 'always' } } });
    const refused = await host.api('POST', '/v1.41/containers/create', body);
    assert.equal(refused.status, 400);
    assert.match(refused.body, /can't create 'AutoRemove' container with restart policy/);
    const bad = await host.docker(['run', '-d', '--restart', 'sometimes', 'busybox', 'true']);
    assert.notEqual(bad.code, 0);
    assert.equal(await host.dockerOk(['ps', '-aq']), '', 'nothing was created');

    await host.dockerOk(['run', '-d', '--name', 'later', 'busybox', 'sleep', '300']);
    await host.dockerOk(['update', '--restart', 'unless-stopped', 'later']);
    assert.equal(await inspect(host, 'later', '{{.HostConfig.RestartPolicy.Name}}'), 'unless-stopped');
    const old = await killProcess(host, 'later');
    await until(host, 'later', RUNNING, (value) => value.startsWith('running ') && !value.includes(` ${old} `) && value.endsWith(' 1'));
  });
});

test('reboot: daemon kill -9, monitors and processes killed, daemon start: always and unless-stopped come back', { timeout: 240_000 }, async () => {
  await withHost(async (host) => {
    await host.dockerOk(['network', 'create', 'app']);
    await host.dockerOk(['run', '-d', '--name', 'always', '--network', 'app', '--restart', 'always', 'busybox', 'sleep', '300']);
    await host.dockerOk(['run', '-d', '--name', 'unless', '--network', 'app', '--restart', 'unless-stopped', 'busybox', 'sleep', '300']);
    await host.dockerOk(['run', '-d', '--name', 'stopped', '--restart', 'unless-stopped', 'busybox', 'sleep', '300']);
    await host.dockerOk(['run', '-d', '--name', 'plain', 'busybox', 'sleep', '300']);
    await host.dockerOk(['stop', '-t', '1', 'stopped']);
    const pids = await Promise.all(['always', 'unless', 'plain'].map((name) => inspect(host, name, '{{.State.Pid}}').then(Number)));

    await host.kill();
    for (const pid of await monitorsOf(host)) process.kill(pid, 'SIGKILL');
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    await delay(300);
    assert.deepEqual(await monitorsOf(host), [], 'nothing of the old boot runs');
    await host.start();

    for (const name of ['always', 'unless']) {
      const [status, pid] = (await until(host, name, '{{.State.Status}} {{.State.Pid}}', (value) => value.startsWith('running '))).split(' ');
      assert.equal(status, 'running', name);
      assert.ok(!pids.includes(Number(pid)), `${name} runs a new process`);
    }
    assert.equal(await inspect(host, 'stopped', '{{.State.Status}}'), 'exited', 'unless-stopped stays down after docker stop');
    assert.equal(await inspect(host, 'plain', '{{.State.Status}}'), 'exited', 'no policy: not started');
    // Back on their network: names resolve between them.
    assert.match(await host.dockerOk(['exec', 'always', 'nslookup', 'unless', '127.0.0.11']), /Name:\s+unless\nAddress: 172\./);
    // And the policy still holds for the next exit under the new daemon.
    const old = await killProcess(host, 'always');
    await until(host, 'always', RUNNING, (value) => value.startsWith('running ') && !value.includes(` ${old} `) && value.endsWith(' 1'));
  });
});
