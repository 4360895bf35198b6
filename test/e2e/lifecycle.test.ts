/**
 * Lifecycle with the real docker CLI, each shown from inside: `--stop-signal` reaches a trap in
 * the container, `--stop-timeout` is how long stop waits before KILL, `docker rename` moves the
 * name (DNS follows, a taken name is a 409), and `docker pause` freezes the processes in the
 * cgroup freezer (a counter stops advancing) until `unpause`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { delay, withHost, type TestHost } from '../helpers/host.js';

const inspect = (host: TestHost, name: string, format: string): Promise<string> => host.dockerOk(['inspect', '-f', format, name]);

async function timed<T>(task: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await task();
  return { value, ms: performance.now() - started };
}

test('--stop-signal reaches the trap; --stop-timeout is the wait before KILL; stop -t overrides it', { timeout: 180_000 }, async () => {
  await withHost(async (host) => {
    const trap = 'trap "echo got-usr1; exit 0" USR1; echo ready; while true; do sleep 1; done';
    await host.dockerOk(['run', '-d', '--name', 'trapped', '--stop-signal', 'SIGUSR1', 'busybox', 'sh', '-c', trap]);
    assert.equal(await inspect(host, 'trapped', '{{.Config.StopSignal}}'), 'SIGUSR1');
    const stop = await timed(() => host.dockerOk(['stop', 'trapped']));
    assert.equal(await inspect(host, 'trapped', '{{.State.ExitCode}}'), '0', 'the trap ended it, not KILL');
    assert.match(await host.dockerOk(['logs', 'trapped']), /got-usr1/);
    assert.ok(stop.ms < 5_000, `stopped by the signal (${Math.round(stop.ms)} ms), not the 10 s timeout`);

    const stubborn = 'trap "echo ignored" TERM; while true; do sleep 1; done';
    await host.dockerOk(['run', '-d', '--name', 'slow', '--stop-timeout', '3', 'busybox', 'sh', '-c', stubborn]);
    assert.equal(await inspect(host, 'slow', '{{.Config.StopTimeout}}'), '3');
    const waited = await timed(() => host.dockerOk(['stop', 'slow']));
    assert.equal(await inspect(host, 'slow', '{{.State.ExitCode}}'), '137', 'KILL after the timeout');
    assert.match(await host.dockerOk(['logs', 'slow']), /ignored/, 'SIGTERM came first');
    assert.ok(waited.ms >= 2_800 && waited.ms < 9_000, `waited the 3 s stop timeout (${Math.round(waited.ms)} ms)`);
    await host.dockerOk(['start', 'slow']);
    const quick = await timed(() => host.dockerOk(['stop', '-t', '0', 'slow']));
    assert.ok(quick.ms < 2_500, `-t 0 overrides --stop-timeout (${Math.round(quick.ms)} ms)`);

    const bad = await host.docker(['run', '-d', '--stop-signal', 'SIGNOPE', 'busybox', 'true']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /Invalid signal: SIGNOPE/);
  });
});

test('rename: the new name works everywhere (DNS too), the old one is gone; a taken name is a 409', { timeout: 180_000 }, async () => {
  await withHost(async (host) => {
    await host.dockerOk(['network', 'create', 'app']);
    const id = await host.dockerOk(['run', '-d', '--name', 'before', '--network', 'app', 'busybox', 'sleep', '300']);
    await host.dockerOk(['run', '-d', '--name', 'client', '--network', 'app', 'busybox', 'sleep', '300']);
    await host.dockerOk(['rename', 'before', 'after']);
    assert.equal(await inspect(host, 'after', '{{.Id}} {{.Name}}'), `${id} /after`);
    assert.notEqual((await host.docker(['inspect', 'before'])).code, 0, 'the old name is free');
    assert.match(await host.dockerOk(['exec', 'client', 'nslookup', 'after', '127.0.0.11']), /Name:\s+after\nAddress: 172\./);
    const old = await host.docker(['exec', 'client', 'nslookup', 'before', '127.0.0.11'], { timeoutMs: 15_000 });
    assert.notEqual(old.code, 0, 'the old name no longer resolves');
    const taken = await host.api('POST', '/v1.41/containers/after/rename?name=client');
    assert.equal(taken.status, 409);
    assert.match(taken.body, /already in use/);
    const same = await host.api('POST', '/v1.41/containers/after/rename?name=after');
    assert.equal(same.status, 400);
    await host.dockerOk(['run', '-d', '--name', 'before', 'busybox', 'true']);
  });
});

/** The value the container's counter file holds, read through the process's root (exec is refused while paused). */
async function counter(pid: number): Promise<number> {
  return Number((await readFile(`/proc/${pid}/root/counter`, 'utf8')).trim());
}

test('pause freezes the processes (counter stops, freezer FROZEN, ps shows Paused); unpause thaws them', { timeout: 180_000 }, async () => {
  await withHost(async (host) => {
    const loop = 'i=0; while true; do i=$((i+1)); echo $i > /counter; usleep 100000; done';
    await host.dockerOk(['run', '-d', '--name', 'ticker', 'busybox', 'sh', '-c', loop]);
    const pid = Number(await inspect(host, 'ticker', '{{.State.Pid}}'));
    await delay(500);
    await host.dockerOk(['pause', 'ticker']);
    assert.equal(await inspect(host, 'ticker', '{{.State.Status}} {{.State.Paused}} {{.State.Running}}'), 'paused true true');
    assert.match(await host.dockerOk(['ps', '--format', '{{.Names}} {{.Status}}']), /^ticker Up .* \(Paused\)$/);
    assert.equal(await host.dockerOk(['ps', '--filter', 'status=paused', '--format', '{{.Names}}']), 'ticker');
    const freezer = (await readFile(`/proc/${pid}/cgroup`, 'utf8')).split('\n').find((line) => /:freezer:/.test(line))?.split(':')[2];
    assert.ok(freezer, 'the container has a freezer cgroup');
    assert.equal((await readFile(`/sys/fs/cgroup/freezer${freezer}/freezer.state`, 'utf8')).trim(), 'FROZEN');
    const frozen = await counter(pid);
    await delay(1_500);
    assert.equal(await counter(pid), frozen, 'the counter does not advance while paused');
    const again = await host.docker(['pause', 'ticker']);
    assert.match(again.stderr, /is already paused/);

    await host.dockerOk(['unpause', 'ticker']);
    assert.equal(await inspect(host, 'ticker', '{{.State.Status}} {{.State.Paused}}'), 'running false');
    await delay(1_000);
    assert.ok((await counter(pid)) > frozen + 3, 'the counter runs again');
    assert.match((await host.docker(['unpause', 'ticker'])).stderr, /is not paused/);

    await host.dockerOk(['pause', 'ticker']);
    // sh as PID 1 ignores TERM: KILL after 1 s, which a frozen process would never act on.
    const stop = await timed(() => host.dockerOk(['stop', '-t', '1', 'ticker']));
    assert.equal(await inspect(host, 'ticker', '{{.State.Status}} {{.State.Paused}} {{.State.ExitCode}}'), 'exited false 137');
    assert.ok(stop.ms < 6_000, `a paused container stops: it is thawed after the signal (${Math.round(stop.ms)} ms)`);
  });
});
