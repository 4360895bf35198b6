/**
 * Healthchecks as Docker runs them (issue 12, item 4) with the real docker CLI: --health-cmd and
 * its timings, an image's HEALTHCHECK (merged with the request's options), --no-healthcheck;
 * probes run inside the container (their output shows the container's hostname), a hung probe is
 * killed at its timeout; State.Health in inspect, "(healthy)" in `docker ps`, the health filter;
 * monitors stop with the container and resume after a daemon restart, `starting` until their next probe; bad durations are 400s.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/exec/index.js';
import { buildBusyboxRootfs } from '../../src/runtime/images/busybox.js';
import { delay, withHost, type TestHost } from '../helpers/host.js';

interface Health {
  Status: string;
  FailingStreak: number;
  Log: Array<{ Start: string; End: string; ExitCode: number; Output: string }>;
}

async function health(host: TestHost, name: string): Promise<Health | null> {
  return JSON.parse(await host.dockerOk(['inspect', '-f', '{{json .State.Health}}', name])) as Health | null;
}

async function waitHealth(host: TestHost, name: string, status: string, ms = 30_000): Promise<Health> {
  const deadline = Date.now() + ms;
  for (;;) {
    const now = await health(host, name);
    if (now?.Status === status) return now;
    if (Date.now() > deadline) throw new Error(`${name} not ${status} within ${ms} ms: ${JSON.stringify(now)}`);
    await delay(250);
  }
}

async function psStatus(host: TestHost, name: string): Promise<string> {
  const lines = (await host.dockerOk(['ps', '-a', '--format', '{{.Names}}\t{{.Status}}'])).split('\n');
  return lines.find((line) => line.startsWith(`${name}\t`))?.slice(name.length + 1) ?? '';
}

async function psNames(host: TestHost, ...filters: string[]): Promise<string[]> {
  return (await host.dockerOk(['ps', ...filters.flatMap((filter) => ['--filter', filter]), '--format', '{{.Names}}'])).split('\n').filter(Boolean).sort();
}

/** An image with a HEALTHCHECK (as `docker import --change` sets it): probes every second. */
async function imageWithHealthcheck(host: TestHost): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'conet-health-'));
  try {
    const rootfs = join(dir, 'rootfs');
    await buildBusyboxRootfs(rootfs);
    const tar = join(dir, 'rootfs.tar');
    await run(['tar', '-C', rootfs, '-c', '-f', tar, '.']);
    await host.dockerOk(['import', '--change', 'HEALTHCHECK --interval=1s --timeout=3s --retries=2 CMD test -e /etc/hostname', '--change', 'CMD ["sleep", "300"]', tar, 'checked:latest']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('healthy, unhealthy and timed-out probes: inspect, ps status and the health filter', async () => {
  await withHost(async (host) => {
    const fast = ['--health-interval', '1s', '--health-retries', '2'];
    const id = await host.dockerOk(['run', '-d', '--name', 'ok', '--health-cmd', 'cat /etc/hostname && test -f /tmp/ready', '--health-interval', '2s', 'busybox', 'sh', '-c', 'touch /tmp/ready; sleep 300']);
    await host.dockerOk(['run', '-d', '--name', 'bad', '--health-cmd', 'echo nope; exit 1', ...fast, 'busybox', 'sleep', '300']);
    await host.dockerOk(['run', '-d', '--name', 'hang', '--health-cmd', 'sleep 60', '--health-timeout', '500ms', ...fast, 'busybox', 'sleep', '300']);
    await host.dockerOk(['run', '-d', '--name', 'plain', 'busybox', 'sleep', '300']);
    // First probe an interval after the start: this one stays starting.
    await host.dockerOk(['run', '-d', '--name', 'slow', '--health-cmd', 'true', '--health-interval', '1h', 'busybox', 'sleep', '300']);
    assert.match(await psStatus(host, 'slow'), /^Up .* \(health: starting\)$/);
    assert.equal((await health(host, 'slow'))?.Status, 'starting');

    const ok = await waitHealth(host, 'ok', 'healthy');
    assert.equal(ok.FailingStreak, 0);
    const last = ok.Log.at(-1)!;
    assert.equal(last.ExitCode, 0);
    // The probe ran inside the container: it read the container's own /etc/hostname.
    assert.equal(last.Output, `${id.slice(0, 12)}\n`);
    assert.ok(Date.parse(last.Start) <= Date.parse(last.End));
    assert.match(await psStatus(host, 'ok'), /^Up .* \(healthy\)$/);

    const bad = await waitHealth(host, 'bad', 'unhealthy');
    assert.ok(bad.FailingStreak >= 2, `streak ${bad.FailingStreak}`);
    assert.deepEqual([bad.Log.at(-1)?.ExitCode, bad.Log.at(-1)?.Output], [1, 'nope\n']);
    assert.match(await psStatus(host, 'bad'), /^Up .* \(unhealthy\)$/);

    const hang = await waitHealth(host, 'hang', 'unhealthy');
    assert.deepEqual([hang.Log.at(-1)?.ExitCode, hang.Log.at(-1)?.Output], [-1, 'Health check exceeded timeout (500ms)']);
    assert.ok(Date.parse(hang.Log.at(-1)!.End) - Date.parse(hang.Log.at(-1)!.Start) < 5_000);
    // Timed-out probes are killed inside the container: they don't pile up (one may be running now).
    await waitHealth(host, 'hang', 'unhealthy');
    await delay(3_000);
    const sleeps = (await host.dockerOk(['exec', 'hang', 'ps', '-o', 'args'])).split('\n').filter((line) => line.trim() === 'sleep 60');
    assert.ok(sleeps.length <= 1, `hung probes left running: ${sleeps.length}`);
    assert.ok((await health(host, 'hang'))!.Log.length <= 5, 'the log keeps the last 5 results');

    assert.equal(await health(host, 'plain'), null);
    assert.match(await psStatus(host, 'plain'), /^Up [^(]*$/);
    assert.deepEqual(await psNames(host, 'health=healthy'), ['ok']);
    assert.deepEqual(await psNames(host, 'health=unhealthy'), ['bad', 'hang']);
    assert.deepEqual(await psNames(host, 'health=none'), ['plain']);
    assert.deepEqual(await psNames(host, 'health=starting'), ['slow']);
    assert.deepEqual(await psNames(host, 'health=starting', 'health=none'), ['plain', 'slow']);
    const bogus = await host.docker(['ps', '--filter', 'health=bogus']);
    assert.notEqual(bogus.code, 0);
    assert.match(bogus.stderr, /Unrecognised filter value for health: bogus/);

    // A stopped container's monitor stops: its log no longer grows, ps shows no health.
    await host.dockerOk(['stop', '-t', '1', 'ok']);
    const stopped = (await health(host, 'ok'))!;
    await delay(3_000);
    assert.deepEqual((await health(host, 'ok'))!.Log, stopped.Log);
    assert.match(await psStatus(host, 'ok'), /^Exited \(\d+\) .*ago$/);
    // Started again: starting, then healthy again.
    await host.dockerOk(['start', 'ok']);
    await waitHealth(host, 'ok', 'healthy');
  });
});

test('docker events: a run --rm with a healthcheck shows create, start, health_status: healthy, die, destroy; the event filter finds it', async () => {
  await withHost(async (host) => {
    const since = (Date.now() / 1000).toFixed(3);
    const id = await host.dockerOk(['run', '-d', '--rm', '--name', 'brief', '--health-cmd', 'true', '--health-interval', '1s', 'busybox', 'sleep', '8']);
    await waitHealth(host, 'brief', 'healthy');
    await host.docker(['wait', id], { timeoutMs: 30_000 });
    for (let tries = 0; tries < 100 && (await host.docker(['inspect', id])).code === 0; tries += 1) await delay(100);
    // The record goes before the destroy event is stamped: leave it a moment.
    await delay(1_000);
    const until = (Date.now() / 1000).toFixed(3);
    const actions = (await host.dockerOk(['events', '--since', since, '--until', until, '--filter', `container=${id}`, '--format', '{{.Action}}'])).split('\n');
    const wanted = ['create', 'start', 'health_status: healthy', 'die', 'destroy'];
    assert.deepEqual(actions.filter((action) => wanted.includes(action)), wanted, actions.join(', '));
    const health = await host.dockerOk(['events', '--since', since, '--until', until, '--filter', 'event=health_status', '--format', '{{.Action}} {{.Actor.Attributes.name}}']);
    assert.equal(health, 'health_status: healthy brief');
  });
});

test("an image's HEALTHCHECK, merged with --health-* options; --no-healthcheck; monitors resume after a daemon restart", async () => {
  await withHost(async (host) => {
    await imageWithHealthcheck(host);
    assert.equal(await host.dockerOk(['image', 'inspect', '-f', '{{json .Config.Healthcheck.Test}}', 'checked']), '["CMD-SHELL","test -e /etc/hostname"]');
    await host.dockerOk(['run', '-d', '--name', 'inherits', 'checked']);
    // Only the command is overridden: the image's 1s interval and 2 retries still apply (the default would be 30s).
    await host.dockerOk(['run', '-d', '--name', 'overrides', '--health-cmd', 'exit 3', 'checked']);
    await host.dockerOk(['run', '-d', '--name', 'unchecked', '--no-healthcheck', 'checked']);
    // The probe runs as the container's user, in its working directory, with its environment.
    await host.dockerOk(['run', '-d', '--name', 'who', '-u', '65534', '-w', '/tmp', '-e', 'MARK=m1', '--health-cmd', 'echo "$(id -u) $(pwd) $MARK"', '--health-interval', '1s', 'busybox', 'sleep', '300']);
    await waitHealth(host, 'inherits', 'healthy', 20_000);
    assert.equal((await waitHealth(host, 'who', 'healthy', 20_000)).Log.at(-1)?.Output, '65534 /tmp m1\n');
    const overridden = await waitHealth(host, 'overrides', 'unhealthy', 20_000);
    assert.equal(overridden.Log.at(-1)?.ExitCode, 3);
    assert.equal(await host.dockerOk(['inspect', '-f', '{{json .Config.Healthcheck}}', 'overrides']), '{"Test":["CMD-SHELL","exit 3"],"Interval":1000000000,"Timeout":3000000000,"Retries":2}');
    assert.equal(await health(host, 'unchecked'), null);
    assert.equal(await host.dockerOk(['inspect', '-f', '{{json .Config.Healthcheck.Test}}', 'unchecked']), '["NONE"]');
    assert.deepEqual(await psNames(host, 'health=none'), ['unchecked']);

    // Daemon restart (graceful, then a crash): running containers are `starting` again (Docker's
    // restore), their log kept, until their next probe, an interval later (5 s here), makes them healthy.
    await host.dockerOk(['run', '-d', '--name', 'slow', '--health-cmd', 'true', '--health-interval', '5s', 'busybox', 'sleep', '300']);
    await waitHealth(host, 'slow', 'healthy', 20_000);
    for (const crash of [false, true]) {
      const lastEnd = (await health(host, 'slow'))!.Log.at(-1)!.End;
      await host.restart({ crash });
      const after = (await health(host, 'slow'))!;
      assert.equal(after.Status, 'starting', `right after the restart (crash: ${crash})`);
      assert.equal(after.FailingStreak, 0);
      assert.equal(after.Log.at(-1)?.End, lastEnd, 'the log is kept and no probe ran yet');
      assert.match(await psStatus(host, 'slow'), /\(health: starting\)/);
      const healthy = await waitHealth(host, 'slow', 'healthy', 20_000);
      assert.notEqual(healthy.Log.at(-1)!.End, lastEnd, 'a new probe made it healthy');
      await waitHealth(host, 'inherits', 'healthy', 20_000);
    }
  });
});

test('bad healthcheck options are 400s naming the field, and leave nothing behind', async () => {
  await withHost(async (host) => {
    const cases: Array<[string[], RegExp]> = [
      [['--health-cmd', 'true', '--health-interval', '500us'], /Interval in Healthcheck cannot be less than 1ms \(--health-interval\)/],
      [['--health-cmd', 'true', '--health-timeout', '10us'], /Timeout in Healthcheck cannot be less than 1ms \(--health-timeout\)/],
      [['--health-cmd', 'true', '--health-start-period', '1ns'], /StartPeriod in Healthcheck cannot be less than 1ms \(--health-start-period\)/],
    ];
    for (const [options, message] of cases) {
      const result = await host.docker(['run', '-d', ...options, 'busybox', 'true']);
      assert.notEqual(result.code, 0, options.join(' '));
      assert.match(result.stderr, message);
    }
    const raw = await host.api('POST', '/containers/create', JSON.stringify({ Image: 'busybox', Cmd: ['true'], Healthcheck: { Test: ['CMD-SHELL', 'true'], Retries: -1 } }));
    assert.equal(raw.status, 400);
    assert.match(raw.body, /Retries in Healthcheck cannot be negative/);
    assert.equal(await host.dockerOk(['ps', '-aq']), '');

    // StartInterval (API 1.44): within the start period probes come that often, not every Interval (1h here).
    const created = await host.api('POST', '/containers/create?name=quick', JSON.stringify({
      Image: 'busybox', Cmd: ['sleep', '300'], Healthcheck: { Test: ['CMD', 'true'], Interval: 3600e9, StartPeriod: 600e9, StartInterval: 300e6 },
    }));
    assert.equal(created.status, 201, created.body);
    assert.equal((await host.api('POST', '/containers/quick/start')).status, 204);
    await waitHealth(host, 'quick', 'healthy', 20_000);
  });
});
