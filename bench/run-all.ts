/**
 * Runs every benchmark, one after the other, each in its own process (each cleans up after
 * itself), then writes BENCHMARKS.md from bench/results/*.json.
 *   node dist/bench/run-all.js [name ...]     names: network-setup network-lifecycle network-teardown run-vs-docker port-scaling memory network-scale overlay-throughput stats run-volumes restart pull fqdn-latency
 *   node dist/bench/run-all.js --report-only  rewrite BENCHMARKS.md from the last results
 */
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertRoot, log, machineInfo, readResult, REPO } from './lib/common.js';

const ALL = ['network-setup', 'network-lifecycle', 'run-vs-docker', 'port-scaling', 'network-teardown', 'memory', 'network-scale', 'overlay-throughput', 'stats', 'run-volumes', 'restart', 'pull', 'fqdn-latency', 'ui-render', 'cni-plugin'];
const ORDER = ['network-setup', 'network-lifecycle', 'run-vs-docker', 'port-scaling', 'network-teardown', 'memory', 'network-scale', 'overlay-throughput', 'stats', 'run-volumes', 'restart', 'pull', 'fqdn-latency', 'ui-render', 'cni-plugin'];
const HERE = join(fileURLToPath(import.meta.url), '..');

async function main(): Promise<void> {
  assertRoot();
  const args = process.argv.slice(2);
  const reportOnly = args.includes('--report-only');
  const chosen = args.filter((a) => !a.startsWith('--'));
  const failed: string[] = [];
  if (!reportOnly) {
    for (const name of chosen.length ? chosen : ALL) {
      if (!ALL.includes(name)) throw new Error(`unknown benchmark ${name}; known: ${ALL.join(' ')}`);
      log(`=== ${name}`);
      // Bounded: every benchmark stops by itself; this is a backstop.
      const child = spawnSync(process.execPath, [join(HERE, `${name}.js`)], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 20 * 60_000, killSignal: 'SIGTERM' });
      if (child.status !== 0) failed.push(name);
    }
  }
  await report(failed);
  if (failed.length) {
    log(`failed: ${failed.join(', ')} (BENCHMARKS.md keeps their previous results, if any)`);
    process.exitCode = 1;
  }
}

/**
 * The sections (and summary rows) of the BENCHMARKS.md in the repository, by benchmark name (from
 * each section's "Raw samples: `bench/results/NAME.json`" line): a benchmark without a result file
 * here (results/ is not committed) keeps what the last run wrote.
 */
async function previousReport(): Promise<{ sections: Map<string, string>; rows: Map<string, string> }> {
  const text = await readFile(join(REPO, 'BENCHMARKS.md'), 'utf8').catch(() => '');
  const sections = new Map<string, string>();
  const rows = new Map<string, string>();
  for (const section of text.split(/\n(?=## )/).slice(1)) {
    const name = /Raw samples: `bench\/results\/([\w-]+)\.json`/.exec(section)?.[1];
    if (name) sections.set(name, section.trimEnd());
  }
  for (const line of text.split('\n')) {
    const name = /^\|.*\| ([\w-]+) \|$/.exec(line)?.[1];
    if (name && ALL.includes(name) && !rows.has(name)) rows.set(name, line);
  }
  return { sections, rows };
}

async function report(failed: string[]): Promise<void> {
  const machine = await machineInfo();
  const previous = await previousReport();
  const sections: string[] = [];
  const summary: string[] = [];
  for (const name of ORDER) {
    const result = await readResult(name);
    if (!result) {
      sections.push(previous.sections.get(name) ?? `## ${name}\n\nNot run yet.`);
      const row = previous.rows.get(name);
      if (row) summary.push(row);
      continue;
    }
    sections.push(`${result.markdown}\n\n_Run ${result.startedAt.replace('T', ' ').slice(0, 19)} UTC, ${result.durationS.toFixed(0)} s${failed.includes(name) ? '; the latest attempt failed, these are older results' : ''}. Raw samples: \`bench/results/${name}.json\`._`);
    const verdict = /\*\*(PASS|FAIL)\*\*/.exec(result.markdown.split('\n').find((line) => line.includes('**PASS**') || line.includes('**FAIL**')) ?? '');
    summary.push(`| ${result.target} | ${verdict ? `**${verdict[1]}**` : 'reported'} | ${name} |`);
  }
  const text = [
    '# BENCHMARKS',
    '',
    'Issue 3\'s performance targets (and issues 4 and 5\'s network-scale and overlay-throughput benchmarks, issue 12\'s stats, mounts and restart ones), measured side by side in one run per benchmark: conetd (in a throwaway host namespace, driven by the real docker CLI), real Docker 20.10 (Debian `docker.io`, dockerd in its own namespace), the CNI reference plugins, netavark, and the bare `ip`/`nft` floor. Medians unless stated; the machine is a shared 2-vCPU VM, so ratios taken in one run are the solid numbers.',
    '',
    '**Reproduce** (root; never touches the machine\'s own network namespace):',
    '',
    '```',
    'bash bench/run.sh                 # compiles with npx tsc -p ., runs them all, rewrites BENCHMARKS.md (≈ 15–20 min)',
    'bash bench/run.sh network-setup   # one benchmark; the others keep their last results',
    'bash bench/run.sh overlay-throughput   # issue 5: iperf3 over the overlay vs raw VXLAN / routed (≈ 3–4 min)',
    'bash bench/run.sh stats run-volumes restart   # issue 12: stats over 100 containers, run -d with mounts, restart latency (≈ 5 min)',
    '```',
    '',
    'Prerequisites: `apt-get install docker.io containernetworking-plugins netavark iperf3 etcd-server` (bench/run.sh installs the missing ones; the install must not leave dockerd/containerd running; the benchmarks start dockerd only inside their own namespace). See bench/README.md.',
    '',
    '| target | result | benchmark |',
    '|---|---|---|',
    ...summary,
    '',
    '**Machine**: ' + Object.entries(machine).map(([k, v]) => `${k}: ${v}`).join('; ') + `. Report written ${new Date().toISOString().replace('T', ' ').slice(0, 19)} UTC.`,
    '',
    ...sections.flatMap((s) => [s, '']),
  ].join('\n');
  await writeFile(join(REPO, 'BENCHMARKS.md'), text);
  log('wrote BENCHMARKS.md');
}

main().catch((error: unknown) => {
  log(`run-all: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
