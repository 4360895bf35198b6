/**
 * Long-running children (the daemon under test, later container monitors): argv only, output to
 * files or ignored, and a handle that waits, signals by PID and never leaves the child unowned.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { system } from '../errors/index.js';

export interface ProcessOptions {
  env?: NodeJS.ProcessEnv;
  /** Append stdout and stderr to this file (default: ignore). */
  logFile?: string;
  cwd?: string;
}

export interface ProcessHandle {
  readonly pid: number;
  /** Resolves with the exit code (128+n for a signal) when the child ends. */
  readonly exited: Promise<number>;
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after graceMs; resolves with the exit code. */
  stop(graceMs?: number): Promise<number>;
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

export function startProcess(argv: readonly string[], options: ProcessOptions = {}): ProcessHandle {
  const [command, ...args] = argv as [string, ...string[]];
  const fd = options.logFile ? openSync(options.logFile, 'a') : undefined;
  let child: ChildProcess;
  try {
    child = spawn(command, args, {
      stdio: ['ignore', fd ?? 'ignore', fd ?? 'ignore'],
      env: options.env ?? process.env,
      cwd: options.cwd,
    });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (child.pid === undefined) throw system('process-start', `failed to start ${command}`);
  const pid = child.pid;
  let done = false;
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      resolve(code ?? 128 + (signal ? SIGNAL_NUMBERS[signal] ?? 0 : 0));
    });
    child.once('error', () => {
      done = true;
      resolve(127);
    });
  });
  return {
    pid,
    exited,
    signal(signal) {
      if (!done) child.kill(signal);
    },
    async stop(graceMs = 5_000) {
      if (done) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
