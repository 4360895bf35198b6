/**
 * Issue 12's stats target: `docker stats --no-stream` over 100 running containers (no names
 * given: the CLI lists them and asks each one's stats at once) takes at most 1 s, conetd vs
 * Docker 20.10 in the same run when docker.io is installed.
 *   node dist/bench/stats.js               (BENCH_CONTAINERS=100, BENCH_SAMPLES=7, BENCH_DOCKER=1)
 */
import { entry, fmt, log, passFail, stats, table, writeResult } from './lib/common.js';
import { ConetBench } from './lib/conet-host.js';
import { DockerBench, dockerAvailable } from './lib/docker-host.js';

const COUNT = Number(process.env['BENCH_CONTAINERS'] ?? 100);
const SAMPLES = Number(process.env['BENCH_SAMPLES'] ?? 7);
const WITH_DOCKER = process.env['BENCH_DOCKER'] !== '0';
const WORKERS = 4;
const TARGET_MS = 1000;

type Side = { docker(args: readonly string[], timeoutMs?: number): Promise<{ ms: number; stdout: string }> };

async function fill(side: Side, count: number): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: WORKERS }, async () => {
    while (next < count) {
      next += 1;
      await side.docker(['run', '-d', '--memory', '64m', '--pids-limit', '100', 'busybox', 'sleep', '3600']);
    }
  }));
}

/** Wall times of `docker stats --no-stream`; each must list every container with its figures. */
async function measure(side: Side, name: string, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let index = 0; index < SAMPLES; index += 1) {
    const { ms, stdout } = await side.docker(['stats', '--no-stream', '--format', '{{.Name}} {{.MemUsage}} {{.PIDs}}'], 60_000);
    const rows = stdout.split('\n').filter((line) => / \/ 64MiB 1$/.test(line));
    if (rows.length !== count) throw new Error(`${name}: ${rows.length} of ${count} rows with their figures:\n${stdout.slice(0, 400)}`);
    times.push(ms);
  }
  return times;
}

entry(async () => {
  const startedAt = new Date();
  const raw: Record<string, unknown> = {};
  let conet: ConetBench | undefined;
  try {
    conet = await ConetBench.start();
    log(`stats: conet, ${COUNT} containers`);
    await fill(conet, 1);
    raw['conetOne'] = await measure(conet, 'conet', 1);
    await fill(conet, COUNT - 1);
    raw['conet'] = await measure(conet, 'conet', COUNT);
  } finally {
    await conet?.dispose();
  }
  if (WITH_DOCKER && dockerAvailable()) {
    let docker: DockerBench | undefined;
    try {
      docker = await DockerBench.start();
      log(`stats: docker, ${COUNT} containers`);
      await fill(docker, COUNT);
      raw['docker'] = await measure(docker, 'docker', COUNT);
    } catch (error) {
      raw['dockerError'] = String(error).slice(0, 400);
    } finally {
      await docker?.dispose();
    }
  } else raw['dockerError'] = WITH_DOCKER ? 'docker.io is not installed on this machine' : 'skipped (BENCH_DOCKER=0)';
  const conetStats = stats(raw['conet'] as number[]);
  const one = stats(raw['conetOne'] as number[]);
  const rows = [
    [`**conet** \`docker stats --no-stream\`, ${COUNT} containers`, fmt(conetStats.median), fmt(conetStats.p90), `≤ ${TARGET_MS} ms: ${passFail(conetStats.median <= TARGET_MS)}`],
    ['conet, the same with 1 container (the CLI\'s own floor for the command)', fmt(one.median), fmt(one.p90), ''],
  ];
  if (Array.isArray(raw['docker'])) {
    const dockerStats = stats(raw['docker'] as number[]);
    rows.push([`Docker 20.10, same command`, fmt(dockerStats.median), fmt(dockerStats.p90), `${fmt(conetStats.median / dockerStats.median)}× of Docker`]);
  }
  const markdown = [
    `## Issue 12: \`docker stats --no-stream\` over ${COUNT} containers`,
    '',
    `Target: at most ${TARGET_MS} ms median. ${COUNT} running \`busybox sleep\` containers with \`--memory 64m --pids-limit 100\` (default bridge); the docker CLI lists them and opens every container's stats at once; each sample must show all ${COUNT} rows with their memory limit and pids. conet reads the cgroup files and /proc/PID/net/dev; each frame's precpu is the container's previous reading when one is recent (the samples after the first), else one taken 100 ms earlier (Docker waits for its collector's second reading, one second apart). ${SAMPLES} samples per side.`,
    '',
    table(['what (ms)', 'median', 'p90', 'target / note'], rows),
    '',
    raw['dockerError'] ? `Docker not measured in this run: ${String(raw['dockerError'])}.` : '',
  ].join('\n');
  await writeResult({ name: 'stats', target: `docker stats --no-stream over ${COUNT} containers ≤ 1 s`, markdown, startedAt: startedAt.toISOString(), durationS: (Date.now() - startedAt.getTime()) / 1000, raw });
});
