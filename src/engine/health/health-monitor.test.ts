import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container } from '../../model/container.js';
import type { HealthConfig, HealthResult, HealthStatus } from '../../model/health.js';
import type { HealthProbe } from './exec-probe.js';
import { HealthMonitor } from './health-monitor.js';

const MS = 1e6;

function container(healthcheck: Partial<HealthConfig> | undefined): Container {
  return {
    id: 'c1', name: 'c', created: '', imageId: '', path: 'sh', args: [],
    config: { image: 'busybox', env: [], user: '', workingDir: '', ...(healthcheck ? { healthcheck: { test: ['CMD', 'check'], interval: 20 * MS, timeout: 50 * MS, startPeriod: 0, startInterval: 0, retries: 2, ...healthcheck } } : {}) } as unknown as Container['config'],
    hostConfig: {} as Container['hostConfig'], endpointRequests: {},
    state: { status: 'running', pid: 1, exitCode: 0, error: '', startedAt: new Date().toISOString(), finishedAt: '' },
    sandbox: '', ports: [], restartCount: 0,
  };
}

/** A probe answering with the exit codes given, in turn (the last one repeats); counts runs and cancels. */
function scriptedProbe(codes: number[]) {
  const calls = { runs: 0, cancels: 0, argv: [] as string[][] };
  const probe: HealthProbe = {
    run(_container, argv) {
      calls.runs += 1;
      calls.argv.push(argv);
      const exitCode = codes[Math.min(calls.runs - 1, codes.length - 1)] ?? 0;
      const result: HealthResult = { start: 's', end: 'e', exitCode, output: `run ${calls.runs}` };
      return { result: Promise.resolve(result), cancel: () => void (calls.cancels += 1) };
    },
  };
  return { probe, calls };
}

function monitorOf(target: Container, probe: HealthProbe) {
  const changes: HealthStatus[] = [];
  let saves = 0;
  const monitor = new HealthMonitor({
    find: (id) => (id === target.id ? target : undefined),
    save: async () => void (saves += 1),
    probe,
    listener: (_container, status) => changes.push(status),
  });
  return { monitor, changes, saves: () => saves };
}

const until = async (condition: () => boolean, ms = 2_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

test('a passing probe makes the container healthy, told once to the listener and saved', async () => {
  const target = container({});
  const { probe, calls } = scriptedProbe([0]);
  const { monitor, changes, saves } = monitorOf(target, probe);
  monitor.start(target);
  assert.equal(target.state.health?.status, 'starting');
  await until(() => calls.runs >= 3);
  monitor.stop(target.id);
  assert.equal(target.state.health?.status, 'healthy');
  assert.deepEqual(changes, ['healthy']);
  assert.deepEqual(calls.argv[0], ['check']);
  assert.ok(saves() >= 3);
  assert.equal(monitor.size(), 0);
});

test('failures past the retries make it unhealthy; a later success heals it', async () => {
  const target = container({ retries: 2 });
  const { probe, calls } = scriptedProbe([1, 1, 1, 0]);
  const { monitor, changes } = monitorOf(target, probe);
  monitor.start(target);
  await until(() => calls.runs >= 4);
  monitor.close();
  assert.deepEqual(changes, ['unhealthy', 'healthy']);
  assert.deepEqual(target.state.health?.log.map((entry) => entry.exitCode), [1, 1, 1, 0]);
});

test('the start interval paces probes within the start period, and failures there do not count', async () => {
  const target = container({ interval: 10_000 * MS, startPeriod: 10_000 * MS, startInterval: 10 * MS, retries: 1 });
  const { probe, calls } = scriptedProbe([1]);
  const { monitor } = monitorOf(target, probe);
  monitor.start(target);
  await until(() => calls.runs >= 4);
  monitor.close();
  assert.equal(target.state.health?.status, 'starting');
  assert.equal(target.state.health?.failingStreak, 0);
});

test('a stop ends the watch: no more probes, a probe in flight is cancelled and its result dropped', async () => {
  const target = container({ interval: 10 * MS });
  let release: (result: HealthResult) => void = () => undefined;
  let cancels = 0;
  let runs = 0;
  const probe: HealthProbe = {
    run() {
      runs += 1;
      return { result: new Promise((resolve) => (release = resolve)), cancel: () => void (cancels += 1) };
    },
  };
  const { monitor, changes } = monitorOf(target, probe);
  monitor.start(target);
  await until(() => runs === 1);
  monitor.stop(target.id);
  assert.equal(cancels, 1);
  release({ start: 's', end: 'e', exitCode: 0, output: '' });
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(runs, 1);
  assert.deepEqual(changes, []);
  assert.equal(target.state.health?.status, 'starting');
});

test('a stopped container is not probed; no healthcheck or NONE starts no watch', async () => {
  const target = container({ interval: 10 * MS });
  const { probe, calls } = scriptedProbe([0]);
  const { monitor } = monitorOf(target, probe);
  target.state.status = 'exited';
  monitor.start(target);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(calls.runs, 0);
  assert.equal(monitor.size(), 0, 'the watch ends at its first tick');
  for (const none of [container(undefined), container({ test: ['NONE'] })]) {
    monitor.start(none);
    assert.equal(none.state.health, undefined);
  }
  assert.equal(monitor.size(), 0);
});

test('an adopted container is starting again until its next probe, its log kept (daemon restart, as Docker)', async () => {
  const target = container({ interval: 10_000 * MS, retries: 3 });
  const earlier = { start: 's', end: 'e', exitCode: 1, output: 'old' };
  target.state.health = { status: 'unhealthy', failingStreak: 4, log: [earlier] };
  const { probe, calls } = scriptedProbe([0]);
  const { monitor } = monitorOf(target, probe);
  monitor.start(target, { resume: true });
  assert.deepEqual(target.state.health, { status: 'starting', failingStreak: 0, log: [earlier] });
  assert.equal(calls.runs, 0, 'no probe before an interval has passed');
  assert.equal(monitor.size(), 1);
  monitor.close();
  assert.equal(monitor.size(), 0);
});

test('a paused container is not exec\'d into: its probes fail at once, as Docker\'s exec refusal', async () => {
  const target = container({ interval: 10 * MS, retries: 2 });
  const { probe, calls } = scriptedProbe([0]);
  const { monitor, changes } = monitorOf(target, probe);
  monitor.start(target);
  target.state.status = 'paused';
  await until(() => target.state.health?.status === 'unhealthy');
  assert.equal(calls.runs, 0);
  assert.match(target.state.health?.log.at(-1)?.output ?? '', /is paused, unpause the container before exec/);
  target.state.status = 'running';
  await until(() => target.state.health?.status === 'healthy');
  monitor.close();
  assert.deepEqual(changes, ['unhealthy', 'healthy']);
});
