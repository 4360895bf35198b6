/**
 * Last-resort cleanup for a test host whose daemon died or was killed: runc containers under the
 * host's exec root, conmon monitors started for it (found by their command line, ended by PID),
 * mounts under its directory (deepest first) and its sandbox namespaces.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../src/exec/index.js';

async function pidsMatching(text: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0').join(' ');
    if (cmdline.includes(text)) pids.push(Number(entry));
  }
  return pids;
}

export async function sweepHost(dir: string, daemonShortId: string): Promise<void> {
  const runcRoot = join(dir, 'exec', 'runc');
  const listed = await run(['runc', '--root', runcRoot, 'list', '-q'], { allowFailure: true });
  for (const id of listed.stdout.split('\n').filter(Boolean)) {
    await run(['runc', '--root', runcRoot, 'delete', '--force', id], { allowFailure: true, timeoutMs: 20_000 });
  }
  for (const pid of await pidsMatching(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const mounts = (await readFile('/proc/mounts', 'utf8')).split('\n').map((line) => line.split(' ')[1] ?? '').filter((target) => target.startsWith(`${dir}/`));
  for (const target of mounts.sort((a, b) => b.length - a.length)) await run(['umount', '-l', target], { allowFailure: true });
  if (daemonShortId) {
    const namespaces = await run(['ip', 'netns', 'list'], { allowFailure: true });
    for (const name of namespaces.stdout.split('\n').map((line) => line.split(' ')[0] ?? '')) {
      if (name.startsWith(`conet-${daemonShortId}-`)) await run(['ip', 'netns', 'del', name], { allowFailure: true });
    }
  }
}
