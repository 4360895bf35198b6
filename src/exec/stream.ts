/**
 * A child fed from a stream (an HTTP request body piped into `tar -x`): same argv-only rules and
 * timeout as run(), but stdin is a Readable, so a multi-megabyte upload is never held in memory.
 */
import { spawn } from 'node:child_process';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { ExecError, type RunResult } from './run.js';

export interface StreamRunOptions {
  timeoutMs?: number;
  /** Sees every chunk on its way to the child (e.g. to hash the stream). */
  tap?: (chunk: Buffer) => void;
}

export function runWithStdin(argv: readonly string[], input: Readable, options: StreamRunOptions = {}): Promise<RunResult> {
  const [command, ...args] = argv as [string, ...string[]];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 300_000);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const tap = options.tap;
    if (tap) input.on('data', (chunk: Buffer) => tap(chunk));
    // A child that exits early (bad archive) closes its stdin: the pipe error is not the story,
    // the exit code and stderr are.
    pipeline(input, child.stdin).catch(() => input.resume());
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new ExecError(argv, 'spawn', { cause: error, stderr: error.message }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result: RunResult = {
        argv,
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        durationMs: performance.now() - started,
      };
      if (timedOut) return reject(new ExecError(argv, 'timeout', result));
      if (result.code !== 0) return reject(new ExecError(argv, 'exit', result));
      resolve(result);
    });
  });
}
