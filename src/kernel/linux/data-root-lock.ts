/**
 * One daemon per data root: `<data-root>/conetd.lock`, locked with flock(2). Node has no flock,
 * so util-linux `flock --nonblock 3` is given the daemon's own open descriptor of the file as its
 * fd 3: a flock lock belongs to the open file description, which the daemon keeps open after the
 * short-lived child has exited. The lock lives exactly as long as the daemon's descriptor, so it
 * goes with the daemon however it ends (a crash or SIGKILL included) and is never stale; no
 * long-running helper process is needed. The holder writes its pid into the file for the message
 * a second daemon prints.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../exec/index.js';
import { system, unavailable } from '../../errors/index.js';

/** flock's exit code when the lock is held elsewhere (chosen: distinct from its own failures). */
const HELD = 75;

export interface DataRootLock {
  readonly path: string;
  release(): Promise<void>;
}

export async function lockDataRoot(dataRoot: string): Promise<DataRootLock> {
  const path = join(dataRoot, 'conetd.lock');
  // Not truncated before the lock is ours: the file names the holder.
  const handle = await open(path, 'a+', 0o600);
  try {
    const result = await run(['flock', '--nonblock', '--conflict-exit-code', String(HELD), '3'], { fds: [handle.fd], allowFailure: true, timeoutMs: 10_000 });
    if (result.code === HELD) throw await heldError(dataRoot, path);
    if (result.code !== 0) throw system('data-root-lock', `cannot lock ${path}: ${result.stderr.trim() || `flock exited with ${result.code}`}`);
    await handle.truncate(0);
    await handle.write(`${process.pid}\n`);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return { path, release: () => release(handle) };
}

async function heldError(dataRoot: string, path: string): Promise<Error> {
  // Unreadable: the message says the pid is unknown.
  const pid = (await readFile(path, 'utf8').catch(() => '')).trim() || 'unknown';
  return unavailable('data-root-locked', `data root ${dataRoot} is in use by another conetd (pid ${pid}, lock ${path}): stop it or start this one with another --data-root`);
}

async function release(handle: FileHandle): Promise<void> {
  // Closing the last descriptor releases the lock; the file stays (a next daemon reuses it).
  await handle.close();
}
