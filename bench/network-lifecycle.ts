/**
 * Issue 16, slices 1-2: `docker network create` and `docker network rm` through the CLI ≤ 0.4×
 * Docker 20.10 (same run, alternating), with conet's logged steps and spawned processes per
 * create/rm (target: at most one each); and one container publishing 206 ports (`docker run -d
 * -p 20000-20205:20000-20205`) ≤ 1 s, beside Docker's (moby#53466: 55 s on Docker 29's nftables).
 *   node dist/bench/network-lifecycle.js        (BENCH_N=20 BENCH_PORT_RUNS=5)
 */
import { entry, fmt, log, passFail, ratio, stats, table, writeResult } from './lib/common.js';
import { ConetBench, type StepEvent } from './lib/conet-host.js';
import { DockerBench, dockerAvailable } from './lib/docker-host.js';

const N = Number(process.env['BENCH_N'] ?? 20);
const PORT_RUNS = Number(process.env['BENCH_PORT_RUNS'] ?? 5);
const TARGET = 0.4;
const PORTS_TARGET_MS = 1000;

interface Side { docker(args: readonly string[]): Promise<{ ms: number; stdout: string }> }
type Samples = { create: number[]; rm: number[]; run206: number[]; rm206: number[] };

async function networkRounds(sides: [string, Side][], samples: Record<string, Samples>): Promise<void> {
  for (let i = 0; i < N; i++) {
    for (const [name, side] of i % 2 ? [...sides].reverse() : sides) {
      const create = await side.docker(['network', 'create', `bench_net_${i}`]);
      const rm = await side.docker(['network', 'rm', `bench_net_${i}`]);
      samples[name]!.create.push(create.ms);
      samples[name]!.rm.push(rm.ms);
    }
  }
}

async function portRounds(sides: [string, Side][], samples: Record<string, Samples>): Promise<void> {
  for (let i = 0; i < PORT_RUNS; i++) {
    for (const [name, side] of i % 2 ? [...sides].reverse() : sides) {
      const run = await side.docker(['run', '-d', '-p', '20000-20205:20000-20205', 'busybox', 'sleep', '600']);
      const rm = await side.docker(['rm', '-f', run.stdout]);
      samples[name]!.run206.push(run.ms);
      samples[name]!.rm206.push(rm.ms);
    }
  }
}

function render(samples: Record<string, Samples>, events: StepEvent[], dockerReason: string, docker: boolean): string {
  const c = samples['conet']!;
  const d = samples['docker']!;
  const [cc, cr, dc, dr] = [stats(c.create), stats(c.rm), stats(d.create), stats(d.rm)];
  const [cp, dp] = [stats(c.run206), stats(d.run206)];
  const createPass = docker ? cc.median / dc.median <= TARGET : undefined;
  const rmPass = docker ? cr.median / dr.median <= TARGET : undefined;
  const rows = [
    ['`docker network create NAME`', fmt(cc.median), fmt(cc.p90), fmt(dc.median), fmt(dc.p90), ratio(cc.median, dc.median), `≤ ${TARGET}×: ${passFail(createPass)}`],
    ['`docker network rm NAME`', fmt(cr.median), fmt(cr.p90), fmt(dr.median), fmt(dr.p90), ratio(cr.median, dr.median), `≤ ${TARGET}×: ${passFail(rmPass)}`],
    ['`docker run -d -p 20000-20205:20000-20205 busybox sleep 600` (206 ports)', fmt(cp.median), fmt(cp.max), fmt(dp.median), fmt(dp.max), ratio(cp.median, dp.median), `≤ ${PORTS_TARGET_MS} ms: ${passFail(c.run206.length ? cp.max <= PORTS_TARGET_MS : undefined)}`],
    ['`docker rm -f` of it', fmt(stats(c.rm206).median), fmt(stats(c.rm206).max), fmt(stats(d.rm206).median), fmt(stats(d.rm206).max), ratio(stats(c.rm206).median, stats(d.rm206).median), 'reported'],
  ];
  const summary = (msg: StepEvent['msg']): string => {
    const chosen = events.filter((event) => event.msg === msg);
    const spawned = chosen.map((event) => event.spawned ?? NaN);
    const steps = [...new Set(chosen.flatMap((event) => Object.keys(event.steps)))];
    const stepText = steps.map((step) => `${step} ${fmt(stats(chosen.map((event) => event.steps[step] ?? NaN).filter(Number.isFinite)).median)}`).join(', ');
    return `${msg}: ${chosen.length} logged, spawned processes max ${Math.max(...spawned)} (median ${fmt(stats(spawned).median)}), step medians (ms) ${stepText}`;
  };
  const verdicts = [createPass, rmPass, c.run206.length ? cp.max <= PORTS_TARGET_MS : undefined];
  const overall = verdicts.includes(undefined) ? undefined : verdicts.every(Boolean);
  return [
    '## Issue 16: `docker network create` / `rm` and a 206-port `docker run`: conet vs Docker 20.10',
    '',
    `All three targets: ${passFail(overall)}.`,
    '',
    `Targets: create and rm through the CLI ≤ ${TARGET}× Docker's in the same run, at most one spawned process each in the daemon (logged with the steps); a container publishing 206 ports started by \`docker run\` in ≤ ${PORTS_TARGET_MS} ms (worst of ${PORT_RUNS}). Same docker CLI against both daemons, both up at once in their own namespaces, alternating. ${N} create/rm pairs per side. Docker 20.10 starts a userland docker-proxy per published port; conet adds 206 elements to one nft map.`,
    '',
    ...(docker ? [] : [`**Docker not measured**: ${dockerReason}`, '']),
    table(['command (ms)', 'conet median', 'conet p90/max', 'Docker median', 'Docker p90/max', 'conet ÷ Docker', 'target'], rows),
    '',
    `conet's daemon log: ${summary('network created')}; ${summary('network removed')}.`,
    '',
    'Reproduce: `bash bench/run.sh network-lifecycle` (or `npx tsc -p . && node dist/bench/network-lifecycle.js`).',
  ].join('\n');
}

entry(async () => {
  const startedAt = new Date();
  let conet: ConetBench | undefined;
  let docker: DockerBench | undefined;
  const empty = (): Samples => ({ create: [], rm: [], run206: [], rm206: [] });
  const samples: Record<string, Samples> = { conet: empty(), docker: empty() };
  let dockerReason = '';
  let events: StepEvent[] = [];
  try {
    conet = await ConetBench.start();
    if (dockerAvailable()) {
      try {
        docker = await DockerBench.start();
      } catch (error) {
        dockerReason = `dockerd did not start: ${String(error).slice(0, 300)}`;
      }
    } else dockerReason = 'docker.io is not installed';
    const sides: [string, Side][] = [['conet', conet]];
    if (docker) sides.push(['docker', docker]);
    // Warm-up: one create/rm and one container on each side (image, firewall base, CLI caches).
    for (const [, side] of sides) {
      await side.docker(['network', 'create', 'bench_warm']).then(() => side.docker(['network', 'rm', 'bench_warm']));
      await side.docker(['run', '-d', 'busybox', 'sleep', '600']).then((run) => side.docker(['rm', '-f', run.stdout]));
    }
    await conet.newEvents();
    log(`network-lifecycle: ${N} create/rm rounds, ${PORT_RUNS} 206-port runs, alternating`);
    await networkRounds(sides, samples);
    events = await conet.newEvents();
    await portRounds(sides, samples);
  } finally {
    await conet?.dispose().catch((e: unknown) => log(`conet dispose: ${String(e)}`));
    await docker?.dispose().catch((e: unknown) => log(`docker dispose: ${String(e)}`));
  }
  const markdown = render(samples, events, dockerReason, docker !== undefined);
  await writeResult({ name: 'network-lifecycle', target: `network create/rm ≤ ${TARGET}× Docker, 206-port run ≤ 1 s`, markdown, startedAt: startedAt.toISOString(), durationS: (Date.now() - startedAt.getTime()) / 1000, raw: { N, PORT_RUNS, samples, events, dockerReason } });
});
