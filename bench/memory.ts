/**
 * Target 5 (reported): daemon memory (VmRSS) with 200 running containers (bridge, busybox sleep).
 * conetd alone and conetd + its conmon monitors; Docker 20.10: dockerd, containerd and the
 * containerd-shim processes (everything in its namespace), in the same run.
 *   node dist/bench/memory.js               (BENCH_CONTAINERS=200, BENCH_DOCKER=1)
 */
import { entry, fmt, log, table, writeResult } from './lib/common.js';
import { ConetBench, pidsMatching, rssKiB } from './lib/conet-host.js';
import { DockerBench, dockerAvailable } from './lib/docker-host.js';
import { readFile } from 'node:fs/promises';

const COUNT = Number(process.env['BENCH_CONTAINERS'] ?? 200);
const WITH_DOCKER = process.env['BENCH_DOCKER'] !== '0';
const WORKERS = 4;

async function startMany(side: { docker(args: readonly string[]): Promise<{ ms: number; stdout: string }> }, count: number): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: WORKERS }, async () => {
    while (next < count) {
      next += 1;
      times.push((await side.docker(['run', '-d', 'busybox', 'sleep', '3600'])).ms);
    }
  }));
  return times;
}

async function comm(pid: number): Promise<string> {
  return (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '?')).trim();
}

const mib = (kib: number) => kib / 1024;

entry(async () => {
  const startedAt = new Date();
  const result: Record<string, number | string> = {};
  let conet: ConetBench | undefined;
  let docker: DockerBench | undefined;
  try {
    conet = await ConetBench.start();
    const pid = conet.pid!;
    await conet.docker(['rm', '-f', (await conet.docker(['run', '-d', 'busybox', 'sleep', '3600'])).stdout]);
    result['conetIdle'] = await rssKiB(pid);
    log(`memory: conet, ${COUNT} containers`);
    const times = await startMany(conet, COUNT);
    await new Promise((r) => setTimeout(r, 2000));
    const running = (await conet.docker(['ps', '-q'])).stdout.split('\n').filter(Boolean).length;
    result['conetRunning'] = running;
    result['conetDaemon'] = await rssKiB(pid);
    const conmons = await pidsMatching('/usr/bin/conmon', `${conet.host.dir}/`);
    result['conetConmons'] = conmons.length;
    let sum = 0;
    for (const p of conmons) sum += await rssKiB(p);
    result['conetConmonRss'] = sum;
    result['conetRunMedian'] = times.sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? NaN;
  } finally {
    const t0 = performance.now();
    await conet?.dispose();
    result['conetCleanupS'] = (performance.now() - t0) / 1000;
  }
  if (WITH_DOCKER && dockerAvailable()) {
    try {
      docker = await DockerBench.start();
      await docker.docker(['rm', '-f', (await docker.docker(['run', '-d', 'busybox', 'sleep', '3600'])).stdout]);
      const idle: Record<string, number> = {};
      for (const p of await docker.namespacePids()) idle[await comm(p)] = (idle[await comm(p)] ?? 0) + (await rssKiB(p));
      result['dockerIdle'] = Object.values(idle).reduce((a, b) => a + b, 0);
      log(`memory: docker, ${COUNT} containers`);
      const times = await startMany(docker, COUNT);
      await new Promise((r) => setTimeout(r, 2000));
      result['dockerRunning'] = (await docker.docker(['ps', '-q'])).stdout.split('\n').filter(Boolean).length;
      const by: Record<string, { n: number; kib: number }> = {};
      for (const p of await docker.namespacePids()) {
        const name = await comm(p);
        const entry = (by[name] ??= { n: 0, kib: 0 });
        entry.n += 1;
        entry.kib += await rssKiB(p);
      }
      result['dockerd'] = by['dockerd']?.kib ?? 0;
      result['containerd'] = by['containerd']?.kib ?? 0;
      const shims = Object.entries(by).filter(([name]) => name.startsWith('containerd-shim'));
      result['shims'] = shims.reduce((a, [, v]) => a + v.kib, 0);
      result['shimCount'] = shims.reduce((a, [, v]) => a + v.n, 0);
      result['dockerOther'] = JSON.stringify(by);
      result['dockerRunMedian'] = times.sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? NaN;
    } catch (error) {
      result['dockerError'] = String(error).slice(0, 400);
      log(`memory: docker failed: ${String(error)}`);
    } finally {
      const t0 = performance.now();
      await docker?.dispose();
      result['dockerCleanupS'] = (performance.now() - t0) / 1000;
    }
  } else result['dockerError'] = WITH_DOCKER ? 'docker.io is not installed' : 'skipped (BENCH_DOCKER=0)';
  const n = (key: string) => Number(result[key] ?? NaN);
  const rows = [
    ['conetd (the daemon)', fmt(mib(n('conetIdle'))), fmt(mib(n('conetDaemon'))), `${n('conetRunning')} running`],
    [`conmon monitors (${n('conetConmons')})`, '', fmt(mib(n('conetConmonRss'))), 'one per container'],
    ['**conet total**', '', fmt(mib(n('conetDaemon') + n('conetConmonRss'))), ''],
  ];
  if (!result['dockerError']) {
    rows.push(
      ['dockerd', '', fmt(mib(n('dockerd'))), `${n('dockerRunning')} running`],
      ['containerd', '', fmt(mib(n('containerd'))), ''],
      [`containerd-shim-runc-v2 (${n('shimCount')})`, '', fmt(mib(n('shims'))), 'one per container'],
      ['**Docker total** (dockerd + containerd + shims)', fmt(mib(n('dockerIdle'))), fmt(mib(n('dockerd') + n('containerd') + n('shims'))), ''],
    );
  }
  const markdown = [
    `## 5. Daemon memory with ${COUNT} running containers`,
    '',
    `Reported, no target. VmRSS from /proc/PID/status after ${COUNT} \`docker run -d busybox sleep 3600\` (default bridge, ${WORKERS} CLI calls at a time), idle = after one container was started and removed. RSS counts shared pages in every process, so the sums overstate the totals a little.`,
    '',
    table(['process (MiB RSS)', 'idle', `${COUNT} containers`, 'note'], rows),
    '',
    result['dockerError'] ? `Docker not measured: ${String(result['dockerError'])}` : `\`docker run -d\` medians during the fill (${WORKERS} in parallel): conet ${fmt(n('conetRunMedian'))} ms, Docker ${fmt(n('dockerRunMedian'))} ms. Removing all ${COUNT} with \`docker rm -f\` (batches of 25/50 ids): conet ${fmt(n('conetCleanupS'))} s, Docker ${fmt(n('dockerCleanupS'))} s including daemon stop.`,
  ].join('\n');
  await writeResult({ name: 'memory', target: 'RSS with 200 containers (reported)', markdown, startedAt: startedAt.toISOString(), durationS: (Date.now() - startedAt.getTime()) / 1000, raw: result });
});
