/**
 * `docker exec` as `runc exec` children of the daemon, their stdio piped to the API connection.
 * Simpler than conmon's --exec (no second attach socket to relay, no exit files), at the price
 * that an exec session ends with the daemon, which Docker users rarely notice.
 *
 * With a TTY, runc (without -d) allocates the pty itself and copies between it and its own stdio,
 * but insists that its stdin is a terminal (it opens /dev/tty). `script` from util-linux gives it
 * one: script's pty is put in raw mode by runc, so bytes pass unchanged, and resizing that pty
 * (stty on its slave) makes the kernel send runc SIGWINCH, which runc forwards to the container's.
 */
import { readFile, readlink, readdir } from 'node:fs/promises';
import { run, startPiped, type PipedProcess } from '../../exec/index.js';

export interface ExecSpec {
  containerId: string;
  /**
   * A whole process.json for `runc exec --process` (then args, env, cwd, user and tty are in it):
   * used for `exec -u`, since runc's --additional-gids adds to the container's own groups instead
   * of replacing them.
   */
  processFile?: string;
  args: string[];
  env: string[];
  cwd: string;
  /** "uid[:gid]" already resolved to numbers, or "" for the container's user. */
  user: string;
  tty: boolean;
  stdin: boolean;
  pidFile: string;
}

export interface ExecProcess {
  process: PipedProcess;
  /** The pid of the command inside the container (host pid namespace), once runc wrote it. */
  pid(): Promise<number>;
  resize(height: number, width: number): Promise<void>;
}

/** Quotes one word for `sh -c` (script takes a command line): single quotes, ' as '\''. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

export function execArgv(runcPath: string, root: string, spec: ExecSpec): string[] {
  if (spec.processFile) return [runcPath, '--root', root, 'exec', '--pid-file', spec.pidFile, '--process', spec.processFile, spec.containerId];
  return [
    runcPath, '--root', root, 'exec', '--pid-file', spec.pidFile,
    ...(spec.tty ? ['-t'] : []),
    ...spec.env.flatMap((entry) => ['--env', entry]),
    ...(spec.cwd ? ['--cwd', spec.cwd] : []),
    ...(spec.user ? ['--user', spec.user] : []),
    spec.containerId, ...spec.args,
  ];
}

export function startExec(runcPath: string, root: string, spec: ExecSpec): ExecProcess {
  const argv = execArgv(runcPath, root, spec);
  // A TTY exec without stdin still gets a pipe: script would end the session at EOF of /dev/null.
  const process = spec.tty
    ? startPiped(['script', '-q', '-e', '-c', argv.map(shellQuote).join(' '), '/dev/null'], { stdin: 'pipe' })
    : startPiped(argv, { stdin: spec.stdin ? 'pipe' : 'ignore' });
  return {
    process,
    pid: () => readPid(spec.pidFile, process),
    resize: (height, width) => (spec.tty ? resizeScriptPty(process.pid, height, width) : Promise.resolve()),
  };
}

/** Signals a process by pid; one that is gone already is no error. */
export function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

async function readPid(file: string, process: PipedProcess): Promise<number> {
  let finished = false;
  void process.exited.then(() => (finished = true));
  for (let attempt = 0; attempt < 200; attempt++) {
    // Not written yet: read again below.
    const pid = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
    if (pid > 0) return pid;
    if (finished) return 0;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return 0;
}

/** Sets the size of the pty script made for runc: its slave is runc's stdin. */
async function resizeScriptPty(scriptPid: number, height: number, width: number): Promise<void> {
  // The script ended meanwhile: nothing to resize.
  const children = await readdir(`/proc/${scriptPid}/task`).catch(() => [] as string[]);
  for (const task of children) {
    // A task or child that ended meanwhile has nothing to resize.
    const list = await readFile(`/proc/${scriptPid}/task/${task}/children`, 'utf8').catch(() => '');
    for (const child of list.trim().split(/\s+/).filter(Boolean)) {
      // (gone meanwhile: skipped, as above)
      const tty = await readlink(`/proc/${child}/fd/0`).catch(() => '');
      if (!tty.startsWith('/dev/pts/')) continue;
      await run(['stty', '-F', tty, 'rows', String(height), 'cols', String(width)], { allowFailure: true, timeoutMs: 5_000 });
      return;
    }
  }
}
