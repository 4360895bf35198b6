/**
 * The only place that spawns processes. argv arrays only (never a shell), a timeout on every
 * call, optional stdin, and a typed ExecError that carries what the caller needs to classify it.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface RunOptions {
  /**
   * Written to the child's stdin, then stdin is closed. A Readable is streamed (an upload piped
   * into `tar -x` is never held in memory).
   */
  input?: string | Readable;
  /** Sees every chunk of a streamed input on its way to the child (e.g. to hash it). */
  tap?: (chunk: Buffer) => void;
  /** Kill the child after this many milliseconds (default 30 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** Working directory of the child (default: the daemon's). */
  cwd?: string;
  /** Resolve instead of throwing on a non-zero exit. */
  allowFailure?: boolean;
  /**
   * Open descriptors the child inherits as its fds 3, 4, ... (a directory held with O_PATH that
   * the child enters through /proc/self/fd/3, so no path is walked again between check and use).
   */
  fds?: readonly number[];
  /** Sees stderr as it arrives (a long run's log read live, e.g. a push's progress). */
  onStderr?: (chunk: Buffer) => void;
  /** Called once with the child's PID after it is spawned. */
  onSpawn?: (pid: number) => void;
}

export interface RunResult {
  argv: readonly string[];
  code: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export type ExecFailure = 'exit' | 'timeout' | 'spawn' | 'aborted';

export class ExecError extends Error {
  readonly argv: readonly string[];
  readonly failure: ExecFailure;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;

  constructor(argv: readonly string[], failure: ExecFailure, detail: { code?: number | null; stdout?: string; stderr?: string; cause?: unknown }) {
    const what = failure === 'exit' ? `exited with ${detail.code}` : failure;
    const stderr = (detail.stderr ?? '').trim();
    super(`${argv[0]} ${what}${stderr ? `: ${stderr}` : ''}`, detail.cause === undefined ? undefined : { cause: detail.cause });
    this.name = 'ExecError';
    this.argv = argv;
    this.failure = failure;
    this.code = detail.code ?? null;
    this.stdout = detail.stdout ?? '';
    this.stderr = detail.stderr ?? '';
  }
}

/** Observers see every spawned command (the daemon logs them at debug level). */
type Observer = (result: RunResult) => void;
const observers = new Set<Observer>();
export function onExec(observer: Observer): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

let spawnCount = 0;
/** Number of processes spawned so far by this process (used by benchmarks). */
export function spawnedProcesses(): number {
  return spawnCount;
}

/** For the other spawn paths of exec/ (ipc.ts): counted and observed like run(). */
export function countSpawn(): void {
  spawnCount += 1;
}

export function notifyObservers(result: RunResult): void {
  for (const observer of observers) observer(result);
}

/** A finished child's result from what it wrote (a signal counts as exit 128, as before). */
export function resultOf(argv: readonly string[], exit: { code: number | null; signal: NodeJS.Signals | null }, stdout: Buffer[], stderr: Buffer[], started: number): RunResult {
  return {
    argv,
    code: exit.code ?? (exit.signal ? 128 : 1),
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8'),
    durationMs: performance.now() - started,
  };
}

export function run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  if (argv.length === 0) throw new TypeError('run: empty argv');
  const [command, ...args] = argv as [string, ...string[]];
  const timeoutMs = options.timeoutMs ?? 30_000;
  const started = performance.now();
  spawnCount += 1;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['pipe', 'pipe', 'pipe', ...(options.fds ?? [])],
      env: options.env ?? process.env,
      signal: options.signal,
      ...(options.cwd ? { cwd: options.cwd } : {}),
      // stdin, stdout and stderr are always pipes; the extra descriptors don't change that.
    }) as ChildProcessWithoutNullStreams;
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    const onStderr = options.onStderr;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr.push(chunk);
      onStderr?.(chunk);
    });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    child.stdin.on('error', () => undefined);
    const input = options.input ?? '';
    if (typeof input === 'string') child.stdin.end(input);
    else {
      const tap = options.tap;
      if (tap) input.on('data', (chunk: Buffer) => tap(chunk));
      // A child that exits early (a bad archive) closes its stdin: the pipe error is not the
      // story, the exit code and stderr are.
      pipeline(input, child.stdin).catch(() => input.resume());
    }
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const failure: ExecFailure = error.name === 'AbortError' ? 'aborted' : 'spawn';
      reject(new ExecError(argv, failure, { cause: error, stderr: error.message }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = resultOf(argv, { code, signal }, stdout, stderr, started);
      for (const observer of observers) observer(result);
      if (timedOut) return reject(new ExecError(argv, 'timeout', result));
      if (result.code !== 0 && !options.allowFailure) return reject(new ExecError(argv, 'exit', result));
      resolve(result);
    });
  });
}
