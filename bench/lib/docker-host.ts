/**
 * The real Docker engine (Debian's docker.io 20.10: dockerd + its managed containerd + runc) run
 * only inside a network namespace made here, with its own data and exec roots under /tmp and its
 * own cgroup parent. Stopped by PID; anything left in the namespace is found by its namespace
 * inode and killed by PID. Nothing runs in, or changes, the machine's own namespace.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startProcess, type ProcessHandle } from '../../src/exec/index.js';
import { BENCH_PREFIX, BENCH_SCRIPTS, log, sh, shOk } from './common.js';

export const DOCKER_CLI = process.env['DOCKER_CLI'] ?? '/usr/local/bin/docker';
export const DOCKERD = '/usr/sbin/dockerd';

export function dockerAvailable(): boolean {
  return existsSync(DOCKERD) && existsSync('/usr/bin/containerd');
}

export interface DockerBenchOptions {
  /** Extra dockerd arguments (e.g. --cluster-store for the overlay benchmark). */
  daemonArgs?: readonly string[];
  /**
   * Hostname of dockerd, in a UTS namespace of its own: several dockerds in one cluster need
   * distinct node names (the classic overlay's serf gossip rejects duplicates). Default: the machine's.
   */
  hostname?: string;
  /** Runs after the namespace is made (loopback up) and before dockerd starts: wire its links here. */
  beforeStart?: (netns: string) => Promise<void>;
}

export class DockerBench {
  readonly netns: string;
  readonly dir: string;
  readonly socket: string;
  readonly cgroupParent: string;
  private daemon: ProcessHandle | undefined;
  private disposed = false;

  private constructor(id: string, private readonly options: DockerBenchOptions = {}) {
    this.netns = `${BENCH_PREFIX}dk-${id}`;
    this.dir = `/tmp/conet-bench-dk-${id}`;
    this.socket = join(this.dir, 'docker.sock');
    this.cgroupParent = `conet-bench-dk-${id}`;
  }

  static async start(options: DockerBenchOptions = {}): Promise<DockerBench> {
    const docker = new DockerBench(randomBytes(3).toString('hex'), options);
    try {
      await docker.launch();
      await docker.importBusybox();
      return docker;
    } catch (error) {
      await docker.dispose();
      throw error;
    }
  }

  get pid(): number | undefined {
    return this.daemon?.pid;
  }

  get logFile(): string {
    return join(this.dir, 'dockerd.log');
  }

  private async launch(): Promise<void> {
    await mkdir(join(this.dir, 'cli-config'), { recursive: true });
    await shOk(['ip', 'netns', 'add', this.netns]);
    await shOk(['ip', '-n', this.netns, 'link', 'set', 'lo', 'up']);
    await this.options.beforeStart?.(this.netns);
    this.daemon = startProcess([
      'ip', 'netns', 'exec', this.netns, ...(this.options.hostname ? ['unshare', '--uts', '--'] : []), 'bash', join(BENCH_SCRIPTS, 'in-ns-exec.sh'), DOCKERD,
      '--data-root', join(this.dir, 'data'),
      '--exec-root', join(this.dir, 'exec'),
      '--pidfile', join(this.dir, 'dockerd.pid'),
      '-H', `unix://${this.socket}`,
      '--cgroup-parent', `/${this.cgroupParent}`,
      '--storage-driver', 'overlay2',
      ...(this.options.daemonArgs ?? []),
    ], { logFile: this.logFile, env: { ...cleanEnv(), ...(this.options.hostname ? { CONET_BENCH_HOSTNAME: this.options.hostname } : {}) } });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ping = await sh(['curl', '-fsS', '--max-time', '2', '--unix-socket', this.socket, 'http://docker/_ping'], { timeoutMs: 5_000 });
      if (ping.code === 0) return;
      const exited = await Promise.race([this.daemon.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 250))]);
      if (exited || Date.now() > deadline) {
        const tail = (await readFile(this.logFile, 'utf8').catch(() => '')).split('\n').slice(-20).join('\n');
        throw new Error(`dockerd did not come up:\n${tail}`);
      }
    }
  }

  /** busybox:latest from Debian's static busybox, as `docker import` (no registry). */
  private async importBusybox(): Promise<void> {
    const rootfs = join(this.dir, 'busybox-rootfs');
    await mkdir(join(rootfs, 'bin'), { recursive: true });
    await mkdir(join(rootfs, 'etc'), { recursive: true });
    await mkdir(join(rootfs, 'tmp'), { recursive: true });
    await shOk(['cp', '/bin/busybox', join(rootfs, 'bin', 'busybox')]);
    await shOk(['chroot', rootfs, '/bin/busybox', '--install', '-s', '/bin']);
    await shOk(['sh', '-c', `printf 'root:x:0:0:root:/root:/bin/sh\\n' > ${rootfs}/etc/passwd; printf 'root:x:0:\\n' > ${rootfs}/etc/group`]);
    await shOk(['sh', '-c', `tar -C ${rootfs} -c . | ${DOCKER_CLI} import --change 'CMD ["sh"]' - busybox:latest`], { env: this.env(), timeoutMs: 120_000 });
  }

  env(): NodeJS.ProcessEnv {
    return { ...cleanEnv(), DOCKER_HOST: `unix://${this.socket}`, DOCKER_CONFIG: join(this.dir, 'cli-config'), DOCKER_CLI_HINTS: 'false' };
  }

  async docker(args: readonly string[], timeoutMs = 120_000): Promise<{ ms: number; stdout: string }> {
    const t0 = performance.now();
    const result = await sh([DOCKER_CLI, ...args], { env: this.env(), timeoutMs });
    const ms = performance.now() - t0;
    if (result.code !== 0) throw new Error(`docker 20.10: docker ${args.join(' ')} exited ${result.code}: ${result.stderr || result.stdout}`);
    return { ms, stdout: result.stdout.trim() };
  }

  /** PIDs of every process in the daemon's network namespace (dockerd, containerd, shims, docker-proxy). */
  async namespacePids(): Promise<number[]> {
    const path = `/run/netns/${this.netns}`;
    if (!existsSync(path)) return [];
    const inode = statSync(path).ino;
    const pids: number[] = [];
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
      try {
        if (statSync(`/proc/${entry}/ns/net`).ino === inode) pids.push(Number(entry));
      } catch {
        /* gone */
      }
    }
    return pids;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    try {
      if (this.daemon) {
        const ids = (await sh([DOCKER_CLI, 'ps', '-aq'], { env: this.env(), timeoutMs: 30_000 })).stdout.split('\n').filter(Boolean);
        for (let i = 0; i < ids.length; i += 50) await sh([DOCKER_CLI, 'rm', '-f', ...ids.slice(i, i + 50)], { env: this.env(), timeoutMs: 300_000 });
      }
    } catch (error) {
      log(`docker cleanup: rm -f failed: ${String(error)}`);
    }
    if (this.daemon) await this.daemon.stop(20_000);
    // containerd, shims, docker-proxy left in our namespace: by PID only.
    for (let attempt = 0; attempt < 3; attempt++) {
      const pids = await this.namespacePids();
      if (pids.length === 0) break;
      for (const pid of pids) {
        log(`docker cleanup: leftover pid ${pid} in ${this.netns}`);
        try { process.kill(pid, attempt < 2 ? 'SIGTERM' : 'SIGKILL'); } catch { /* gone */ }
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    // container processes (their own namespaces) still in our cgroup parent: by PID only.
    for (const controller of await readdir('/sys/fs/cgroup').catch(() => [] as string[])) {
      const base = `/sys/fs/cgroup/${controller}/${this.cgroupParent}`;
      if (!existsSync(base)) continue;
      const dirs = (await sh(['find', base, '-depth', '-type', 'd'])).stdout.split('\n').filter(Boolean);
      for (const dir of dirs) {
        const procs = (await readFile(`${dir}/cgroup.procs`, 'utf8').catch(() => '')).split('\n').filter(Boolean);
        for (const pid of procs) { try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ } }
      }
      if (dirs.length) await new Promise((r) => setTimeout(r, 200));
      for (const dir of dirs) await rmdir(dir).catch(() => undefined);
    }
    await sh(['ip', 'netns', 'del', this.netns]);
    const mounts = (await readFile('/proc/mounts', 'utf8')).split('\n').map((line) => line.split(' ')[1] ?? '').filter((mp) => mp.startsWith(`${this.dir}/`));
    for (const mp of mounts.reverse()) await sh(['umount', '-l', mp]);
    await rm(this.dir, { recursive: true, force: true }).catch((error: unknown) => log(`docker cleanup: rm ${this.dir}: ${String(error)}`));
  }
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'all_proxy', 'no_proxy', 'NO_PROXY']) delete env[key];
  return env;
}
