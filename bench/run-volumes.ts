/**
 * Issue 12's mounts target: a whole `docker run -d` with a bind mount and a named volume, through
 * the docker CLI, against conetd ≤ 0.7 × the same against Docker 20.10 (dockerd in its own
 * namespace); both daemons up at once, the commands alternating between them. Each run names a
 * volume not seen before, so the run also creates it (as `-v name:/path` does at first use). Also
 * the same `run -d` without mounts, whose difference estimates the mounts' share, and `rm -f`.
 *   node dist/bench/run-volumes.js          (BENCH_N=20)
 */
import { mkdir, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { entry, fmt, log, passFail, ratio, stats, table, writeResult } from './lib/common.js';
import { ConetBench } from './lib/conet-host.js';
import { DockerBench, dockerAvailable } from './lib/docker-host.js';

const N = Number(process.env['BENCH_N'] ?? 20);
const TARGET = 0.7;
const SLEEP = ['busybox', 'sleep', '600'];

interface Side { docker(args: readonly string[]): Promise<{ ms: number; stdout: string }> }
type Samples = { run: number[]; rm: number[]; plain: number[] };

/** One round on one side: run with both mounts (checked), rm -f, the volume removed; then a run without. */
async function round(side: Side, bind: string, volume: string, into: Samples): Promise<void> {
  const run = await side.docker(['run', '-d', '-v', `${bind}:/data`, '-v', `${volume}:/vol`, ...SLEEP]);
  const seen = await side.docker(['inspect', '-f', '{{range .Mounts}}{{.Type}}:{{.Destination}} {{end}}', run.stdout]);
  if (!seen.stdout.includes('bind:/data') || !seen.stdout.includes('volume:/vol')) throw new Error(`mounts not applied: ${seen.stdout}`);
  const removed = await side.docker(['rm', '-f', run.stdout]);
  await side.docker(['volume', 'rm', volume]);
  const plain = await side.docker(['run', '-d', ...SLEEP]);
  await side.docker(['rm', '-f', plain.stdout]);
  into.run.push(run.ms);
  into.rm.push(removed.ms);
  into.plain.push(plain.ms);
}

entry(async () => {
  const startedAt = new Date();
  const dir = `/tmp/conet-bench-volumes-${randomBytes(3).toString('hex')}`;
  let conet: ConetBench | undefined;
  let docker: DockerBench | undefined;
  const samples: Record<'conet' | 'docker', Samples> = { conet: { run: [], rm: [], plain: [] }, docker: { run: [], rm: [], plain: [] } };
  let dockerReason = '';
  try {
    await mkdir(dir, { recursive: true });
    conet = await ConetBench.start();
    if (dockerAvailable()) {
      try {
        docker = await DockerBench.start();
        log(`docker: dockerd pid ${docker.pid} in namespace ${docker.netns}`);
      } catch (error) {
        dockerReason = `dockerd did not start: ${String(error).slice(0, 300)}`;
      }
    } else dockerReason = 'docker.io is not installed';
    const sides: ['conet' | 'docker', Side][] = [['conet', conet]];
    if (docker) sides.push(['docker', docker]);
    // warm-up: the first container creates the bridge and the firewall base on both sides
    for (const [name, side] of sides) await round(side, join(dir, name), `warm-${name}`, { run: [], rm: [], plain: [] });
    log(`run-volumes: ${N} rounds, alternating`);
    for (let index = 0; index < N; index += 1) {
      for (const [name, side] of index % 2 ? [...sides].reverse() : sides) await round(side, join(dir, name), `bench-${name}-${index}`, samples[name]);
    }
  } finally {
    await conet?.dispose().catch((e: unknown) => log(`conet dispose: ${String(e)}`));
    await docker?.dispose().catch((e: unknown) => log(`docker dispose: ${String(e)}`));
    await rm(dir, { recursive: true, force: true });
  }
  const c = { run: stats(samples.conet.run), rm: stats(samples.conet.rm), plain: stats(samples.conet.plain) };
  const d = { run: stats(samples.docker.run), rm: stats(samples.docker.rm), plain: stats(samples.docker.plain) };
  const pass = docker ? c.run.median / d.run.median <= TARGET : undefined;
  const rows = [
    ['`docker run -d -v DIR:/data -v NEWVOL:/vol busybox sleep 600`', fmt(c.run.median), fmt(c.run.p90), fmt(d.run.median), fmt(d.run.p90), ratio(c.run.median, d.run.median), `≤ ${TARGET}×: ${passFail(pass)}`],
    ['`docker rm -f` of it', fmt(c.rm.median), fmt(c.rm.p90), fmt(d.rm.median), fmt(d.rm.p90), ratio(c.rm.median, d.rm.median), 'reported'],
    ['`docker run -d busybox sleep 600` (no mounts)', fmt(c.plain.median), fmt(c.plain.p90), fmt(d.plain.median), fmt(d.plain.p90), ratio(c.plain.median, d.plain.median), ''],
    ['with mounts minus without (the mounts\' share, estimate)', fmt(c.run.median - c.plain.median), '', fmt(d.run.median - d.plain.median), '', ratio(c.run.median - c.plain.median, d.run.median - d.plain.median), ''],
  ];
  const markdown = [
    '## Issue 12: `docker run -d` with a bind mount and a named volume: conet vs Docker 20.10',
    '',
    `Target: conet's wall time ≤ ${TARGET}× Docker's, same docker CLI (${process.env['DOCKER_CLI'] ?? '/usr/local/bin/docker'}) against both daemons, both up at once in their own namespaces, alternating round by round. Each run mounts a host directory at /data and a volume named for that run at /vol (so the run also creates the volume, \`local\` driver); inspect must show both mounts. ${N} samples per side; default bridge network.`,
    '',
    ...(docker ? [] : [`**Docker not measured**: ${dockerReason}`, '']),
    table(['command (ms)', 'conet median', 'conet p90', 'Docker median', 'Docker p90', 'conet ÷ Docker', 'target'], rows),
  ].join('\n');
  await writeResult({ name: 'run-volumes', target: `run -d with a bind mount and a named volume ≤ ${TARGET}× Docker`, markdown, startedAt: startedAt.toISOString(), durationS: (Date.now() - startedAt.getTime()) / 1000, raw: { N, samples, dockerReason } });
});
