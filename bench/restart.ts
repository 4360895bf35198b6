/**
 * Issue 12's restart target: a `--restart always` container that ran for 10 s or more is back at
 * most 0.5 s after its process dies, conetd vs Docker 20.10 in the same run.
 *
 * Each side runs BENCH_CONTAINERS containers `busybox sh -c 'touch /probe/up; exec sleep 3600'`
 * with a host directory bind-mounted at /probe. A sample: wait until the container has run ≥ 11 s
 * since its last start, remove its probe file, read State.Pid, SIGKILL that PID from here (not
 * `docker kill`, which is a manual stop), and time until the new process has written the probe
 * file again ("back" = the new process runs and has done its first step). Then, off the clock, the
 * API must show it running with another PID and RestartCount one more. Kills alternate between the
 * sides and between containers, one at a time.
 *   node dist/bench/restart.js             (BENCH_N=20, BENCH_CONTAINERS=6, BENCH_DOCKER=1)
 */
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { entry, fmt, log, passFail, ratio, stats, table, writeResult } from './lib/common.js';
import { ConetBench, type StepEvent } from './lib/conet-host.js';
import { DockerBench, dockerAvailable } from './lib/docker-host.js';

const N = Number(process.env['BENCH_N'] ?? 20);
const CONTAINERS = Number(process.env['BENCH_CONTAINERS'] ?? 6);
const RAN_MS = 11_000;
const TARGET_MS = 500;
const GIVE_UP_MS = 15_000;

interface Side { docker(args: readonly string[], timeoutMs?: number): Promise<{ ms: number; stdout: string }> }
interface Box { id: string; probe: string; upAt: number; restarts: number }

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls (2 ms) for the probe file; the time it appeared, or throws after GIVE_UP_MS. */
async function waitProbe(path: string, since: number): Promise<number> {
  for (;;) {
    if (existsSync(path)) return performance.now();
    if (performance.now() - since > GIVE_UP_MS) throw new Error(`${path} did not come back within ${GIVE_UP_MS} ms`);
    await sleep(2);
  }
}

async function startBoxes(side: Side, dir: string): Promise<Box[]> {
  const boxes: Box[] = [];
  for (let index = 0; index < CONTAINERS; index += 1) {
    const probe = join(dir, String(index));
    await mkdir(probe, { recursive: true });
    const t0 = performance.now();
    const { stdout: id } = await side.docker(['run', '-d', '--restart', 'always', '-v', `${probe}:/probe`, 'busybox', 'sh', '-c', 'touch /probe/up; exec sleep 3600']);
    boxes.push({ id, probe: join(probe, 'up'), upAt: await waitProbe(join(probe, 'up'), t0), restarts: 0 });
  }
  return boxes;
}

async function inspect(side: Side, id: string): Promise<{ pid: number; running: boolean; restarts: number }> {
  const { stdout } = await side.docker(['inspect', '-f', '{{.State.Pid}} {{.State.Running}} {{.RestartCount}}', id]);
  const [pid, running, restarts] = stdout.split(' ');
  return { pid: Number(pid), running: running === 'true', restarts: Number(restarts) };
}

/** One kill → back sample; checks afterwards that the API agrees (new PID, running, RestartCount + 1). */
async function sample(side: Side, name: string, box: Box): Promise<{ ms: number; killedAt: number }> {
  const wait = box.upAt + RAN_MS - performance.now();
  if (wait > 0) await sleep(wait);
  await rm(box.probe, { force: true });
  const before = await inspect(side, box.id);
  if (!before.running || before.pid <= 0) throw new Error(`${name}: ${box.id.slice(0, 12)} is not running before the kill`);
  const killedAt = Date.now();
  const t0 = performance.now();
  process.kill(before.pid, 'SIGKILL');
  box.upAt = await waitProbe(box.probe, t0);
  const ms = box.upAt - t0;
  for (let attempt = 0; ; attempt += 1) {
    const after = await inspect(side, box.id);
    if (after.running && after.pid > 0 && after.pid !== before.pid && after.restarts === box.restarts + 1) break;
    if (attempt > 100) throw new Error(`${name}: ${box.id.slice(0, 12)} after the kill: ${JSON.stringify(after)} (before ${JSON.stringify(before)})`);
    await sleep(50);
  }
  box.restarts += 1;
  return { ms, killedAt };
}

/** conetd's logged timings of this restart, with `exit`: the kill → the daemon saw conmon's exit file. */
async function conetSteps(conet: ConetBench, box: Box, killedAt: number, pending: StepEvent[]): Promise<Record<string, number> | undefined> {
  const event = await conet.waitEvent(box.id, 'container restarted', pending, 5_000);
  if (!event) return undefined;
  pending.splice(pending.indexOf(event), 1);
  return { exit: (event.exitSeenAt ?? NaN) - killedAt, ...event.steps };
}

entry(async () => {
  const startedAt = new Date();
  const dir = `/tmp/conet-bench-restart-${randomBytes(3).toString('hex')}`;
  let conet: ConetBench | undefined;
  let docker: DockerBench | undefined;
  let dockerReason = '';
  const samples: Record<'conet' | 'docker', number[]> = { conet: [], docker: [] };
  const steps: Record<string, number>[] = [];
  try {
    conet = await ConetBench.start();
    if (dockerAvailable() && process.env['BENCH_DOCKER'] !== '0') {
      try {
        docker = await DockerBench.start();
        log(`docker: dockerd pid ${docker.pid} in namespace ${docker.netns}`);
      } catch (error) {
        dockerReason = `dockerd did not start: ${String(error).slice(0, 300)}`;
      }
    } else dockerReason = 'docker.io is not installed';
    if (process.env['BENCH_DOCKER'] === '0') dockerReason = 'skipped (BENCH_DOCKER=0)';
    const sides: ['conet' | 'docker', Side, Box[]][] = [['conet', conet, await startBoxes(conet, join(dir, 'conet'))]];
    if (docker) sides.push(['docker', docker, await startBoxes(docker, join(dir, 'docker'))]);
    await conet.newEvents();
    const pending: StepEvent[] = [];
    log(`restart: ${N} kills per side, ${CONTAINERS} containers per side, alternating`);
    for (let index = 0; index < N; index += 1) {
      for (const [name, side, boxes] of index % 2 ? [...sides].reverse() : sides) {
        const box = boxes[index % boxes.length]!;
        const { ms, killedAt } = await sample(side, name, box);
        samples[name].push(ms);
        const logged = name === 'conet' ? await conetSteps(conet, box, killedAt, pending) : undefined;
        if (logged) steps.push(logged);
        log(`restart: ${name} #${index + 1} back after ${ms.toFixed(1)} ms${logged ? ` (${Object.entries(logged).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')})` : ''}`);
      }
    }
  } finally {
    await conet?.dispose().catch((e: unknown) => log(`conet dispose: ${String(e)}`));
    await docker?.dispose().catch((e: unknown) => log(`docker dispose: ${String(e)}`));
    await rm(dir, { recursive: true, force: true });
  }
  const c = stats(samples.conet);
  const d = stats(samples.docker);
  const rows = [
    ['conet: kill -9 of PID 1 → new process has written its probe file', fmt(c.median), fmt(c.p90), fmt(c.min), fmt(c.max), `≤ ${TARGET_MS} ms: ${passFail(c.median <= TARGET_MS)}`],
    ['Docker 20.10, the same', fmt(d.median), fmt(d.p90), fmt(d.min), fmt(d.max), docker ? `conet ÷ Docker ${ratio(c.median, d.median)}` : 'not measured'],
  ];
  const stepNames = [...new Set(steps.flatMap((s) => Object.keys(s)))];
  const stepRow = stepNames.map((s) => `${s} ${fmt(stats(steps.map((x) => x[s] ?? NaN).filter(Number.isFinite)).median)}`).join(', ');
  const markdown = [
    '## Issue 12: a `--restart always` container back after its process dies',
    '',
    `Target: at most ${TARGET_MS} ms median from \`kill -9\` of a container's PID 1 (from the host, by PID; not \`docker kill\`, which is a manual stop) to its new process running, for a container that ran ≥ 10 s (so the restart backoff is at its first step). ${CONTAINERS} containers per side \`docker run -d --restart always -v DIR:/probe busybox sh -c 'touch /probe/up; exec sleep 3600'\` (default bridge network); "back" is the moment the new process has written /probe/up again (polled every 2 ms from the host); afterwards the API must show it running with a new State.Pid and RestartCount one more. Each container runs ≥ 11 s between its kills; kills alternate between conetd and dockerd (both up at once, each in its own namespace), one at a time. ${N} samples per side.`,
    '',
    ...(docker ? [] : [`**Docker not measured**: ${dockerReason}`, '']),
    table(['kill -9 → back (ms)', 'median', 'p90', 'min', 'max', 'target / note'], rows),
    '',
    steps.length ? `conet's own step medians of these restarts (ms, from its log's \`container restarted\` lines): ${stepRow}. \`exit\` is the kill → the daemon saw conmon's exit file, \`backoff\` the policy's wait (0 after a run of 10 s: what remains is the event loop's), \`lock\` the container's lock, \`release\` the wait for the exited run's clean-up (runc delete, conmon gone; the network and the root overlay are kept for the restart), then the start's steps: \`network\` (the kept one), \`etc\`, \`runtime\` = \`runtime.rootfs\` + \`runtime.spec\` (mounts, config.json) + \`runtime.conmon\` (its launch) + \`runtime.create\` (runc create, until its pid file) + \`runtime.start\` (runc start), \`store\`.` : 'conet logged no restart step timings in this run.',
  ].join('\n');
  await writeResult({ name: 'restart', target: `--restart always back ≤ ${TARGET_MS} ms after its process dies`, markdown, startedAt: startedAt.toISOString(), durationS: (Date.now() - startedAt.getTime()) / 1000, raw: { N, CONTAINERS, samples, steps, dockerReason } });
});
