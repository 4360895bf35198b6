/**
 * Target 2: a whole `docker run -d -p HOSTPORT:80 busybox httpd …` through the docker CLI against
 * conetd ≤ 0.7 × the same against Docker 20.10 (dockerd in its own namespace), and `docker rm -f`;
 * both daemons up at once, the commands alternating between them. Also `run -d --net none`, whose
 * difference to the bridge + port run estimates Docker's network share.
 *   node dist/bench/run-vs-docker.js        (BENCH_N=20)
 */
import { entry, fmt, log, passFail, ratio, stats, table, writeResult } from './lib/common.js';
import { ConetBench } from './lib/conet-host.js';
import { HTTPD } from './lib/cycles.js';
import { DockerBench, dockerAvailable } from './lib/docker-host.js';

const N = Number(process.env['BENCH_N'] ?? 20);
const TARGET = 0.7;

interface Side { docker(args: readonly string[]): Promise<{ ms: number; stdout: string }> }

entry(async () => {
  const startedAt = new Date();
  let conet: ConetBench | undefined;
  let docker: DockerBench | undefined;
  const samples = { conet: { run: [] as number[], rm: [] as number[], runNone: [] as number[], rmNone: [] as number[] }, docker: { run: [] as number[], rm: [] as number[], runNone: [] as number[], rmNone: [] as number[] } };
  let dockerReason = '';
  let conetSteps: Record<string, number>[] = [];
  try {
    conet = await ConetBench.start();
    if (dockerAvailable()) {
      try {
        docker = await DockerBench.start();
        log(`docker: dockerd pid ${docker.pid} in namespace ${docker.netns}`);
      } catch (error) {
        dockerReason = `dockerd did not start: ${String(error).slice(0, 300)}`;
      }
    } else dockerReason = 'docker.io is not installed';
    const sides: [keyof typeof samples, Side][] = [['conet', conet]];
    if (docker) sides.push(['docker', docker]);
    // warm-up: the first container creates the bridge and the firewall base on both sides
    for (const [, side] of sides) {
      const id = (await side.docker(['run', '-d', '-p', '34999:80', ...HTTPD])).stdout;
      await side.docker(['run', '-d', '--net', 'none', 'busybox', 'sleep', '600']).then((r) => side.docker(['rm', '-f', r.stdout]));
      void id; // stays running: steady state
    }
    await conet.newEvents();
    log(`run-vs-docker: ${N} rounds, alternating`);
    for (let i = 0; i < N; i++) {
      for (const [name, side] of i % 2 ? [...sides].reverse() : sides) {
        const run = await side.docker(['run', '-d', '-p', `${35000 + i}:80`, ...HTTPD]);
        const rm = await side.docker(['rm', '-f', run.stdout]);
        samples[name].run.push(run.ms);
        samples[name].rm.push(rm.ms);
        if (i % 2 === 0) {
          const none = await side.docker(['run', '-d', '--net', 'none', 'busybox', 'sleep', '600']);
          const rmNone = await side.docker(['rm', '-f', none.stdout]);
          samples[name].runNone.push(none.ms);
          samples[name].rmNone.push(rmNone.ms);
        }
      }
    }
    conetSteps = (await conet.newEvents()).filter((e) => e.msg === 'container started' && e.steps['ports'] !== undefined && e.steps['ports'] > 0).map((e) => e.steps);
  } finally {
    await conet?.dispose().catch((e: unknown) => log(`conet dispose: ${String(e)}`));
    await docker?.dispose().catch((e: unknown) => log(`docker dispose: ${String(e)}`));
  }
  const c = { run: stats(samples.conet.run), rm: stats(samples.conet.rm), runNone: stats(samples.conet.runNone), rmNone: stats(samples.conet.rmNone) };
  const d = { run: stats(samples.docker.run), rm: stats(samples.docker.rm), runNone: stats(samples.docker.runNone), rmNone: stats(samples.docker.rmNone) };
  const pass = docker ? c.run.median / d.run.median <= TARGET : undefined;
  const rows = [
    ['`docker run -d -p P:80 busybox httpd -f -p 80`', fmt(c.run.median), fmt(c.run.p90), fmt(d.run.median), fmt(d.run.p90), ratio(c.run.median, d.run.median), `≤ ${TARGET}×: ${passFail(pass)}`],
    ['`docker rm -f` of it', fmt(c.rm.median), fmt(c.rm.p90), fmt(d.rm.median), fmt(d.rm.p90), ratio(c.rm.median, d.rm.median), 'reported'],
    ['`docker run -d --net none busybox sleep 600`', fmt(c.runNone.median), fmt(c.runNone.p90), fmt(d.runNone.median), fmt(d.runNone.p90), ratio(c.runNone.median, d.runNone.median), ''],
    ['`docker rm -f` of it', fmt(c.rmNone.median), fmt(c.rmNone.p90), fmt(d.rmNone.median), fmt(d.rmNone.p90), ratio(c.rmNone.median, d.rmNone.median), ''],
    ['bridge + port run minus none run (network share, estimate)', fmt(c.run.median - c.runNone.median), '', fmt(d.run.median - d.runNone.median), '', ratio(c.run.median - c.runNone.median, d.run.median - d.runNone.median), ''],
  ];
  const stepNames = ['network', 'ports', 'etc', 'runtime', 'store'];
  const stepRow = stepNames.map((s) => `${s} ${fmt(stats(conetSteps.map((x) => x[s] ?? NaN).filter(Number.isFinite)).median)}`).join(', ');
  const markdown = [
    `## 2. Whole \`docker run -d -p\` and \`docker rm -f\`: conet vs Docker 20.10`,
    '',
    `Target: conet's \`docker run -d -p\` wall time ≤ ${TARGET}× Docker's, same docker CLI (${process.env['DOCKER_CLI'] ?? '/usr/local/bin/docker'}) against both daemons, both up at once in their own namespaces, alternating command by command. ${N} samples per side for the -p rows, ${Math.ceil(N / 2)} for the none rows; one container with a published port stays running on each side.`,
    '',
    ...(docker ? [] : [`**Docker not measured**: ${dockerReason}`, '']),
    table(['command (ms)', 'conet median', 'conet p90', 'Docker median', 'Docker p90', 'conet ÷ Docker', 'target'], rows),
    '',
    `conet's own step medians during these \`run -d -p\` (ms): ${stepRow}. The runtime step (runc create/start under conmon) dominates what the daemon does; the rest of the wall time is the docker CLI process and its API round trips.`,
  ].join('\n');
  await writeResult({ name: 'run-vs-docker', target: `run -d -p ≤ ${TARGET}× Docker`, markdown, startedAt: startedAt.toISOString(), durationS: (Date.now() - startedAt.getTime()) / 1000, raw: { N, samples, conetSteps, dockerReason } });
});
