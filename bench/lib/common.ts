/**
 * Shared helpers of the benchmarks: statistics, timing, safety checks, result files, machine info.
 * Benchmarks are not tests: they are run by hand (bench/run.sh), never by scripts/test.sh.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, type RunResult } from '../../src/exec/index.js';

/** The repository root (this file is dist/bench/lib/common.js once compiled). */
export const REPO = resolve(fileURLToPath(import.meta.url), '../../../..');
export const RESULTS_DIR = join(REPO, 'bench', 'results');
export const BENCH_SCRIPTS = join(REPO, 'bench');
/** Every namespace a benchmark creates starts with this. */
export const BENCH_PREFIX = 'cbench-';

export interface Stats {
  n: number;
  median: number;
  p90: number;
  min: number;
  max: number;
}

export function stats(values: readonly number[]): Stats {
  const xs = [...values].sort((a, b) => a - b);
  const n = xs.length;
  if (n === 0) return { n: 0, median: NaN, p90: NaN, min: NaN, max: NaN };
  const median = n % 2 ? xs[(n - 1) / 2]! : (xs[n / 2 - 1]! + xs[n / 2]!) / 2;
  return { n, median: round(median), p90: round(xs[Math.min(n - 1, Math.round(0.9 * (n - 1)))]!), min: round(xs[0]!), max: round(xs[n - 1]!) };
}

export function median(values: readonly number[]): number {
  return stats(values).median;
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function ratio(a: number, b: number): string {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return 'n/a';
  return `${(a / b).toFixed(2)}×`;
}

export function fmt(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(1);
}

export function passFail(ok: boolean | undefined): string {
  return ok === undefined ? 'n/a' : ok ? '**PASS**' : '**FAIL**';
}

/** Wall time of an async call in ms. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export async function sh(argv: readonly string[], options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return run(argv, { allowFailure: true, timeoutMs: options.timeoutMs ?? 60_000, ...(options.input !== undefined ? { input: options.input } : {}), ...(options.env ? { env: options.env } : {}) });
}

export async function shOk(argv: readonly string[], options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const result = await sh(argv, options);
  if (result.code !== 0) throw new Error(`${argv.join(' ')} exited ${result.code}: ${result.stderr || result.stdout}`);
  return result.stdout;
}

/**
 * Inode of the machine's own network namespace, which no benchmark may change: the namespace the
 * first benchmark process was started in (PID 1's can't be read here), handed down to children.
 */
if (!process.env['CONET_BENCH_ROOT_NETNS']) process.env['CONET_BENCH_ROOT_NETNS'] = String(statSync('/proc/self/ns/net').ino);
export function rootNetnsInode(): number {
  return Number(process.env['CONET_BENCH_ROOT_NETNS']);
}

/** Throws unless this process runs in a network namespace other than the machine's own. */
export function assertNotRootNetns(): void {
  if (statSync('/proc/self/ns/net').ino === rootNetnsInode()) throw new Error('refusing: this code must run inside a benchmark namespace, not the machine\'s own');
}

export function assertRoot(): void {
  if (process.getuid?.() !== 0) throw new Error('benchmarks need root (network namespaces)');
}

/** A fingerprint of the machine's own namespace (links, addresses, routes, nft), compared before/after. */
export async function rootNetnsFingerprint(): Promise<string> {
  const parts = await Promise.all([
    sh(['ip', '-br', 'link']),
    sh(['ip', '-br', 'addr']),
    sh(['ip', 'route']),
    sh(['nft', 'list', 'ruleset']),
  ]);
  return parts.map((p) => p.stdout).join('\n--\n');
}

export interface BenchResult {
  /** File name stem, e.g. "network-setup". */
  name: string;
  target: string;
  /** Markdown section for BENCHMARKS.md (tables and notes). */
  markdown: string;
  startedAt: string;
  durationS: number;
  raw: unknown;
}

export async function writeResult(result: BenchResult): Promise<void> {
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(join(RESULTS_DIR, `${result.name}.json`), JSON.stringify(result, null, 1) + '\n');
  process.stdout.write(`\n${result.markdown}\n`);
}

export async function readResult(name: string): Promise<BenchResult | undefined> {
  try {
    return JSON.parse(await readFile(join(RESULTS_DIR, `${name}.json`), 'utf8')) as BenchResult;
  } catch {
    return undefined;
  }
}

export async function machineInfo(): Promise<Record<string, string>> {
  const version = async (argv: string[]) => (await sh(argv).catch(() => undefined))?.stdout.split('\n')[0]?.trim() ?? 'n/a';
  const pkgs = await sh(['dpkg-query', '-W', '-f=${Package} ${Version}\\n', 'docker.io', 'containerd', 'runc', 'conmon', 'containernetworking-plugins', 'netavark', 'iproute2', 'nftables', 'iptables', 'busybox-static']);
  return {
    kernel: (await version(['uname', '-r'])),
    os: `Debian ${(await readFile('/etc/debian_version', 'utf8').catch(() => '?')).trim()}`,
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    'load at report time': (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' '),
    node: process.version,
    dockerCli: await version(['/usr/local/bin/docker', '--version']),
    packages: pkgs.stdout.trim().split('\n').join('; '),
    conet: `git ${(await sh(['git', '-C', REPO, 'rev-parse', '--short', 'HEAD'])).stdout.trim()}${(await sh(['git', '-C', REPO, 'status', '--porcelain', 'src'])).stdout.trim() ? ' with uncommitted changes in src/ (dist/ built from the working tree)' : ''}`,
  };
}

export function log(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Runs `main`, prints a failure, and sets the exit code; cleanup lives in each benchmark's finally. */
export function entry(main: () => Promise<void>): void {
  assertRoot();
  const before = rootNetnsFingerprint();
  main().then(
    async () => {
      const after = await rootNetnsFingerprint();
      if (after !== (await before)) {
        log('WARNING: the machine\'s own namespace changed during the run (another process on the machine, or a bug)');
      }
    },
    (error: unknown) => {
      log(`FAILED: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const align = header.map((_, i) => (i === 0 ? '---' : '---:'));
  return [line(header), line(align), ...rows.map(line)].join('\n');
}
