/**
 * A child fed from a stream (an HTTP request body piped into `tar -x`): run() with a Readable as
 * stdin and a longer default timeout, so a multi-megabyte upload is never held in memory.
 */
import type { Readable } from 'node:stream';
import { run, type RunResult } from './run.js';

export interface StreamRunOptions {
  timeoutMs?: number;
  /** Sees every chunk on its way to the child (e.g. to hash the stream). */
  tap?: (chunk: Buffer) => void;
}

export function runWithStdin(argv: readonly string[], input: Readable, options: StreamRunOptions = {}): Promise<RunResult> {
  return run(argv, { input, timeoutMs: options.timeoutMs ?? 300_000, ...(options.tap ? { tap: options.tap } : {}) });
}
