/**
 * conetd in a throwaway host namespace (test/helpers/host.ts TestHost), plus what the benchmarks
 * need around it: the daemon's step timings from its log, and a cleanup that removes every
 * container first (TestHost.dispose() alone leaves containers running under conmon).
 */
import { readFile, readdir, rmdir } from 'node:fs/promises';
import { TestHost, type TestHostOptions } from '../../test/helpers/host.js';
import { log, sh } from './common.js';

export interface StepEvent {
  msg: 'container started' | 'container exited' | 'container restarted' | 'network created' | 'network removed';
  id: string;
  steps: Record<string, number>;
  /** 'network created' / 'network removed': processes the daemon spawned for it. */
  spawned?: number;
  /** 'container restarted': when the daemon saw the exit (epoch ms). */
  exitSeenAt?: number;
}

export class ConetBench {
  private logOffset = 0;
  private constructor(readonly host: TestHost) {}

  /** `options`: more TestHost options (a daemon config, links wired before the daemon starts). */
  static async start(options: Omit<TestHostOptions, 'logLevel'> = {}): Promise<ConetBench> {
    // info level: the step timings are logged at info, and debug logging would slow the daemon.
    const host = await TestHost.create({ ...options, logLevel: 'info' });
    log(`conet: conetd pid ${host.daemonPid} in namespace ${host.netns}, state in ${host.dir}`);
    return new ConetBench(host);
  }

  get pid(): number | undefined {
    return this.host.daemonPid;
  }

  /** Wall time of one docker CLI call against conetd. Throws on a non-zero exit. */
  async docker(args: readonly string[], timeoutMs = 120_000): Promise<{ ms: number; stdout: string }> {
    const t0 = performance.now();
    const result = await this.host.docker(args, { timeoutMs });
    const ms = performance.now() - t0;
    if (result.code !== 0) throw new Error(`conet: docker ${args.join(' ')} exited ${result.code}: ${result.stderr || result.stdout}`);
    return { ms, stdout: result.stdout.trim() };
  }

  /** Step events logged since the previous call. */
  async newEvents(): Promise<StepEvent[]> {
    const text = await readFile(this.host.logFile, 'utf8').catch(() => '');
    const fresh = text.slice(this.logOffset);
    this.logOffset = text.length;
    const events: StepEvent[] = [];
    for (const line of fresh.split('\n')) {
      if (!line.includes('"steps"')) continue;
      try {
        const parsed = JSON.parse(line) as StepEvent;
        if (['container started', 'container exited', 'container restarted', 'network created', 'network removed'].includes(parsed.msg) && parsed.steps) events.push(parsed);
      } catch {
        /* not a JSON line */
      }
    }
    return events;
  }

  /** Waits (bounded) until an event for `id` with `msg` is in the log. */
  async waitEvent(id: string, msg: StepEvent['msg'], pending: StepEvent[], timeoutMs = 15_000): Promise<StepEvent | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      pending.push(...(await this.newEvents()));
      const found = pending.find((event) => event.id === id && event.msg === msg);
      if (found) return found;
      if (Date.now() > deadline) return undefined;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Removes every container (bounded), then the host; falls back to runc/umount for anything left. */
  async dispose(): Promise<void> {
    const dir = this.host.dir;
    try {
      const ids = (await this.host.docker(['ps', '-aq', '--no-trunc'], { timeoutMs: 30_000 })).stdout.split('\n').filter(Boolean);
      for (let i = 0; i < ids.length; i += 25) {
        await this.host.docker(['rm', '-f', ...ids.slice(i, i + 25)], { timeoutMs: 300_000 });
      }
    } catch (error) {
      log(`conet cleanup: docker rm -f failed: ${String(error)}`);
    }
    await this.host.kill().catch(() => undefined);
    // Fallback for containers the daemon could not remove: runc delete, conmon by PID, mounts.
    const runcRoot = `${dir}/exec/runc`;
    const left = (await sh(['runc', '--root', runcRoot, 'list', '-q'])).stdout.split('\n').filter(Boolean);
    for (const id of left) {
      log(`conet cleanup: container ${id.slice(0, 12)} left behind, runc delete --force`);
      await sh(['runc', '--root', runcRoot, 'delete', '--force', id]);
    }
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
      if (cmdline.startsWith('/usr/bin/conmon') && cmdline.includes(`${dir}/`)) {
        log(`conet cleanup: killing leftover conmon ${entry}`);
        try { process.kill(Number(entry), 'SIGKILL'); } catch { /* gone */ }
      }
    }
    const mounts = (await readFile('/proc/mounts', 'utf8')).split('\n').map((line) => line.split(' ')[1] ?? '').filter((mp) => mp.startsWith(`${dir}/`));
    for (const mp of mounts.reverse()) await sh(['umount', '-l', mp]);
    for (const id of left) {
      for (const controller of await readdir('/sys/fs/cgroup').catch(() => [] as string[])) await rmdir(`/sys/fs/cgroup/${controller}/${id}`).catch(() => undefined);
    }
    await this.host.dispose();
  }
}

/** VmRSS of a process in KiB (0 if gone). */
export async function rssKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  return match ? Number(match[1]) : 0;
}

/** PIDs whose command line starts with `prefix` and contains `marker`. */
export async function pidsMatching(prefix: string, marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0').join(' ');
    if (cmdline.startsWith(prefix) && cmdline.includes(marker)) found.push(Number(entry));
  }
  return found;
}
