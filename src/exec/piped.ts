/**
 * A long-lived child whose stdio the caller streams (exec sessions, the stdin relay to conmon's
 * attach socket). argv only; the caller owns the pipes and must end stdin or signal the child.
 */
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

export interface PipedOptions {
  env?: NodeJS.ProcessEnv;
  /** 'ignore' gives the child /dev/null (a process that must see EOF at once). */
  stdin?: 'pipe' | 'ignore';
  /** 'ignore' discards output nobody reads, so the child never blocks on a full pipe. */
  stdout?: 'pipe' | 'ignore';
  stderr?: 'pipe' | 'ignore';
  cwd?: string;
  /** Open descriptors the child inherits as its fds 3, 4, ... */
  fds?: readonly number[];
  /** The child and its pipes don't keep the event loop alive (a helper session the daemon holds). */
  unref?: boolean;
}

export interface PipedProcess {
  readonly pid: number;
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** Exit code, 128+n for a signal, 127 when it could not be spawned. */
  readonly exited: Promise<number>;
  signal(signal: NodeJS.Signals): void;
}

const SIGNALS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

export function startPiped(argv: readonly string[], options: PipedOptions = {}): PipedProcess {
  const [command, ...args] = argv as [string, ...string[]];
  const child = spawn(command, args, {
    stdio: [options.stdin ?? 'pipe', options.stdout ?? 'pipe', options.stderr ?? 'pipe', ...(options.fds ?? [])],
    env: options.env ?? process.env,
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  let done = false;
  const exited = new Promise<number>((resolve) => {
    child.once('close', (code, signal) => {
      done = true;
      resolve(code ?? 128 + (signal ? SIGNALS[signal] ?? 0 : 0));
    });
    child.once('error', () => {
      done = true;
      resolve(127);
    });
  });
  // A child that exits while we still write gives EPIPE; its exit code tells the story.
  child.stdin?.on('error', () => undefined);
  if (options.unref) unrefAll(child);
  return {
    pid: child.pid ?? 0,
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    exited,
    signal(signal) {
      if (!done) child.kill(signal);
    },
  };
}

function unrefAll(child: ReturnType<typeof spawn>): void {
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as { unref?: () => void } | null)?.unref?.();
}
