/**
 * Target 3: the 1,000th published port costs at most 1.2 × the 1st. One conetd: 20 containers
 * with one published port each (ports 2–21), then containers publishing ranges of 80 ports until
 * 980 are published, then 20 more single-port containers (ports 981–1,000). Compares conetd's
 * ports step (and the whole `docker run -d -p`) of the first 20 with the last 20.
 *   node dist/bench/port-scaling.js         (BENCH_PORTS=1000, BENCH_EDGE=20)
 */
import { entry, fmt, log, passFail, ratio, stats, table, writeResult } from './lib/common.js';
import { ConetBench, type StepEvent } from './lib/conet-host.js';
import { HTTPD, pinAndCheck } from './lib/cycles.js';

const TOTAL = Number(process.env['BENCH_PORTS'] ?? 1000);
const EDGE = Number(process.env['BENCH_EDGE'] ?? 20);
const RANGE = 80;
const TARGET = 1.2;

interface Sample { published: number; runMs: number; steps?: Record<string, number> }

entry(async () => {
  const startedAt = new Date();
  let conet: ConetBench | undefined;
  const first: Sample[] = [];
  const last: Sample[] = [];
  const bulk: Sample[] = [];
  let counted = 0;
  let check = '';
  try {
    conet = await ConetBench.start();
    const pending: StepEvent[] = [];
    check = await pinAndCheck(conet, 39999);
    let published = 1;
    const single = async (into: Sample[]) => {
      const run = await conet!.docker(['run', '-d', '-p', `${40000 + published}:80`, ...HTTPD]);
      published += 1;
      const event = await conet!.waitEvent(run.stdout, 'container started', pending);
      into.push({ published, runMs: run.ms, ...(event ? { steps: event.steps } : {}) });
    };
    log(`port-scaling: first ${EDGE} single-port containers`);
    for (let i = 0; i < EDGE; i++) await single(first);
    log(`port-scaling: ranges of ${RANGE} up to ${TOTAL - EDGE} ports`);
    for (let guard = 0; published < TOTAL - EDGE && guard < 100; guard++) {
      const size = Math.min(RANGE, TOTAL - EDGE - published);
      const lo = 42000 + published;
      const run = await conet.docker(['run', '-d', '-p', `${lo}-${lo + size - 1}:${lo}-${lo + size - 1}`, 'busybox', 'sleep', '3600']);
      published += size;
      const event = await conet.waitEvent(run.stdout, 'container started', pending);
      bulk.push({ published, runMs: run.ms, ...(event ? { steps: event.steps } : {}) });
    }
    log(`port-scaling: last ${EDGE} single-port containers (${published} published)`);
    for (let i = 0; i < EDGE; i++) await single(last);
    const ids = (await conet.docker(['ps', '-q'])).stdout.split('\n').filter(Boolean);
    counted = (await conet.docker(['inspect', '-f', '{{len .NetworkSettings.Ports}}', ...ids])).stdout.split('\n').reduce((sum, n) => sum + Number(n), 0);
    log(`port-scaling: ${counted} published ports reported by inspect over ${ids.length} containers`);
  } finally {
    await conet?.dispose();
  }
  const step = (xs: Sample[], name: string) => stats(xs.map((x) => x.steps?.[name] ?? NaN).filter(Number.isFinite));
  const f = { ports: step(first, 'ports'), network: step(first, 'network'), run: stats(first.map((x) => x.runMs)) };
  const l = { ports: step(last, 'ports'), network: step(last, 'network'), run: stats(last.map((x) => x.runMs)) };
  const rows = [
    ['conet ports step (nft map element)', fmt(f.ports.median), fmt(l.ports.median), ratio(l.ports.median, f.ports.median), `≤ ${TARGET}×: ${passFail(l.ports.median / f.ports.median <= TARGET)}`],
    ['conet network step (netns, veth, address, route)', fmt(f.network.median), fmt(l.network.median), ratio(l.network.median, f.network.median), ''],
    ['whole `docker run -d -p` (CLI wall time)', fmt(f.run.median), fmt(l.run.median), ratio(l.run.median, f.run.median), 'reported (more running containers also weigh on the runtime step)'],
  ];
  const bulkPorts = stats(bulk.map((x) => x.steps?.['ports'] ?? NaN).filter(Number.isFinite));
  const markdown = [
    `## 3. The 1,000th published port vs the 1st`,
    '',
    `Target: publishing a port when ~${TOTAL} are published costs ≤ ${TARGET}× publishing one of the first. One conetd; ${EDGE} containers with one port each (ports 2–${EDGE + 1}, after one pinned container), then ${bulk.length} containers publishing ranges of up to ${RANGE} ports, then ${EDGE} single-port containers as ports ${TOTAL - EDGE + 1}–${TOTAL}. Ports published at the end (\`docker inspect\`): ${counted}; ${first.length + last.length + bulk.length + 1} containers running. Medians of ${EDGE} each.`,
    '',
    table(['what (ms)', `first ${EDGE} (ports 2–${EDGE + 1})`, `last ${EDGE} (ports ${TOTAL - EDGE + 1}–${TOTAL})`, 'last ÷ first', 'target'], rows),
    '',
    `The range containers' ports step (${RANGE} elements in one call): median ${fmt(bulkPorts.median)} ms. A published port answered from the host namespace: \`${check}\`.`,
    `Docker is not run to 1,000 ports here: Docker 20.10 starts two \`docker-proxy\` processes and adds 3 iptables rules per published port (reference/docker), so 1,000 ports means 2,000 proxies on a 2-core machine; the peers' growth is in reference/peers (CNI + portmap 100 → 245 ms, netavark 82 → 138 ms from container 1 to 200).`,
  ].join('\n');
  await writeResult({ name: 'port-scaling', target: `port ${TOTAL} ≤ ${TARGET}× port 1`, markdown, startedAt: startedAt.toISOString(), durationS: (Date.now() - startedAt.getTime()) / 1000, raw: { TOTAL, EDGE, counted, first, bulk, last } });
});
