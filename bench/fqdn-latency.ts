/**
 * Issue 13's resolver target: answer latency with FQDN set insertion at most 1 ms over the same
 * answer without policy (median, dnsperf, distinct names so nothing comes from a cache).
 *
 * In a namespace of its own: a worker (lib/fqdn-resolver-worker.ts) runs the real DnsServer,
 * answerQuery and forwarder against an upstream on 127.0.0.1:53 that gives every answer a new
 * address, once with an FQDN rule covering the client (each answer's address goes into
 * `fqdn4_bench` through the long-lived nft before the answer is sent) and once without. dnsperf
 * (-v: one line per answer with its latency) sends each run its own distinct names at a fixed
 * rate. Rounds alternate the order; the set is emptied before each policy run and its element
 * count checked after it.
 */
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPiped, type PipedProcess } from '../src/exec/index.js';
import { BENCH_PREFIX, entry, fmt, log, passFail, sh, shOk, stats, table, writeResult } from './lib/common.js';

const ROUNDS = Number(process.env['BENCH_RUNS'] ?? 3);
const QUERIES = Number(process.env['BENCH_QUERIES'] ?? 3000);
const QPS = Number(process.env['BENCH_QPS'] ?? 500);
const TARGET_MS = 1;
const NS = `${BENCH_PREFIX}fqdn`;
const NS_PATH = `/run/netns/${NS}`;
const PORT = 5353;
const WORKER = join(fileURLToPath(import.meta.url), '..', 'lib', 'fqdn-resolver-worker.js');
const SETS = 'table inet conet { set fqdn4_bench { type ipv4_addr; flags timeout; }; set fqdn6_bench { type ipv6_addr; flags timeout; }; }';

type Mode = 'plain' | 'policy';
const inNs = (argv: readonly string[]): string[] => ['nsenter', `--net=${NS_PATH}`, '--', ...argv];

async function startWorker(mode: Mode, base: number): Promise<PipedProcess> {
  const worker = startPiped(inNs([process.execPath, WORKER, mode, String(PORT), String(base)]), { stdin: 'ignore' });
  worker.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  worker.stdout?.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('worker not ready within 10 s')), 10_000);
    worker.stdout?.on('data', (chunk: string) => chunk.includes('ready') && (clearTimeout(timer), resolve()));
    void worker.exited.then((code) => reject(new Error(`worker exited with ${code}`)));
  });
  return worker;
}

/** dnsperf -v prints "> NOERROR NAME A 0.000412" per answer: the latencies in ms. */
function latencies(stdout: string): number[] {
  return stdout.split('\n').flatMap((line) => {
    const match = /^> NOERROR \S+ A ([\d.]+)$/.exec(line.trim());
    return match ? [Number(match[1]) * 1000] : [];
  });
}

async function measure(mode: Mode, round: number): Promise<{ samples: number[]; elements?: number }> {
  if (mode === 'policy') await shOk(inNs(['nft', 'flush set inet conet fqdn4_bench']));
  const worker = await startWorker(mode, round * 2 + (mode === 'policy' ? 1 : 0));
  const file = join(tmpdir(), `conet-fqdn-bench-${process.pid}.txt`);
  try {
    await writeFile(file, Array.from({ length: QUERIES }, (_, index) => `r${round}${mode}-${index}.allowed.test A`).join('\n') + '\n');
    const { stdout } = await sh(inNs(['dnsperf', '-s', '127.0.0.1', '-p', String(PORT), '-d', file, '-n', '1', '-c', '1', '-Q', String(QPS), '-t', '2', '-v']), { timeoutMs: 120_000 });
    const samples = latencies(stdout);
    if (mode === 'plain') return { samples };
    const listed = await shOk(inNs(['nft', 'list', 'set', 'inet', 'conet', 'fqdn4_bench']));
    return { samples, elements: (listed.match(/expires/g) ?? []).length };
  } finally {
    worker.signal('SIGTERM');
    await worker.exited;
    await rm(file, { force: true });
  }
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const runs: Array<{ mode: Mode; round: number; median: number; n: number; elements?: number }> = [];
  const all: Record<Mode, number[]> = { plain: [], policy: [] };
  await sh(['ip', 'netns', 'del', NS]).catch(() => undefined);
  await shOk(['ip', 'netns', 'add', NS]);
  try {
    await shOk(['ip', '-n', NS, 'link', 'set', 'lo', 'up']);
    await shOk(inNs(['nft', SETS]));
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const mode of (round % 2 === 0 ? ['plain', 'policy'] : ['policy', 'plain']) as Mode[]) {
        const { samples, elements } = await measure(mode, round);
        all[mode].push(...samples);
        runs.push({ mode, round, median: stats(samples).median, n: samples.length, ...(elements !== undefined ? { elements } : {}) });
        log(`round ${round} ${mode}: ${samples.length} answers, median ${fmt(stats(samples).median)} ms${elements !== undefined ? `, ${elements} elements` : ''}`);
      }
    }
  } finally {
    await sh(['ip', 'netns', 'del', NS]).catch(() => undefined);
  }
  await report(startedAt, runs, all);
}

async function report(startedAt: Date, runs: Array<{ mode: Mode; round: number; median: number; n: number; elements?: number }>, all: Record<Mode, number[]>): Promise<void> {
  const plain = stats(all.plain);
  const policy = stats(all.policy);
  // Medians of the sample distributions differ by less than their own resolution: 3 decimals.
  const exact = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
  const added = exact(all.policy) - exact(all.plain);
  const complete = runs.every((run) => run.n === QUERIES && (run.elements === undefined || run.elements === QUERIES));
  const markdown = [
    '## fqdn-latency',
    '',
    `Issue 13: the embedded resolver's answer latency with FQDN set insertion, against the same forwarded answer without policy. dnsperf sends ${QUERIES} distinct names per run at ${QPS} queries/s from one client, ${ROUNDS} rounds alternating the order. The worker runs the real DnsServer, resolver and forwarder; the upstream on 127.0.0.1 gives each answer a new address. With the rule, every answer's address goes into \`fqdn4_bench\` through the long-lived \`nft -i\` before the answer is sent.`,
    '',
    table(['', 'answers', 'median ms', 'p90 ms', 'min ms', 'max ms'], [
      ['no policy', String(plain.n), exact(all.plain).toFixed(3), fmt(plain.p90), fmt(plain.min), fmt(plain.max)],
      ['FQDN rule, set insertion', String(policy.n), exact(all.policy).toFixed(3), fmt(policy.p90), fmt(policy.min), fmt(policy.max)],
    ]),
    '',
    `Added median latency: **${added.toFixed(3)} ms** (target ≤ ${TARGET_MS} ms): ${passFail(added <= TARGET_MS && complete)}.${complete ? ' Every query was answered and every policy run left one set element per name.' : ' Some queries went unanswered or elements are missing (see the runs below).'}`,
    '',
    table(['round', 'mode', 'answers', 'median ms', 'set elements'], runs.map((run) => [String(run.round), run.mode, String(run.n), run.median.toFixed(3), run.elements === undefined ? '' : String(run.elements)])),
    '',
    `Reproduce: \`bash bench/run.sh fqdn-latency\` (\`BENCH_RUNS=${ROUNDS} BENCH_QUERIES=${QUERIES} BENCH_QPS=${QPS}\`).`,
  ].join('\n');
  await writeResult({ name: 'fqdn-latency', target: `resolver answer + FQDN set insertion ≤ ${TARGET_MS} ms over no policy (median)`, markdown, startedAt: startedAt.toISOString(), durationS: (Date.now() - startedAt.getTime()) / 1000, raw: { runs, plain: all.plain, policy: all.policy } });
}

entry(main);
