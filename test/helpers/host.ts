/**
 * A throwaway test "host": its own network namespace with conetd running inside, a private state
 * directory, and the real docker CLI pointed at its socket. Nothing here touches the machine's
 * own namespace; dispose() removes everything, and is safe to call twice.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, startProcess, type ProcessHandle, type RunResult } from '../../src/exec/index.js';
import { sweepHost } from './sweep.js';

const REPO = resolve(fileURLToPath(import.meta.url), '../../../..');
export const CONET_BIN = join(REPO, 'bin', 'conet');
export const DOCKER_BIN = process.env['DOCKER_CLI'] ?? '/usr/local/bin/docker';
/** Every namespace a test makes starts with this, so the leak check can find strays. */
export const NETNS_PREFIX = 'conet-t-';

export interface TestHostOptions {
  /** JSON written to the daemon's --config file. */
  config?: Record<string, unknown>;
  logLevel?: string;
  /** Name of the host (namespace conet-t-NAME, directory /tmp/conet-test-NAME); default 8 random hex. */
  name?: string;
  /** More arguments for conetd, on every start (e.g. the cluster flags). */
  daemonArgs?: readonly string[];
  /** Runs once the namespace exists (loopback up), before conetd first starts: e.g. wire an underlay link. */
  beforeStart?: (host: TestHost) => Promise<void>;
}

export class TestHost {
  readonly netns: string;
  readonly dir: string;
  readonly socket: string;
  private daemon: ProcessHandle | undefined;
  /** First 8 hex of the daemon's id: its sandboxes are named conet-<this>-<container>. */
  daemonShortId = '';
  private disposed = false;

  private constructor(readonly name: string, private readonly options: TestHostOptions) {
    this.netns = `${NETNS_PREFIX}${name}`;
    this.dir = join('/tmp', `conet-test-${name}`);
    this.socket = join(this.dir, 'docker.sock');
  }

  static async create(options: TestHostOptions = {}): Promise<TestHost> {
    const host = new TestHost(options.name ?? randomBytes(4).toString('hex'), options);
    try {
      await mkdir(join(host.dir, 'docker-config'), { recursive: true });
      await run(['ip', 'netns', 'add', host.netns]);
      await host.ip(['link', 'set', 'lo', 'up']);
      if (options.config) {
        const { writeFile } = await import('node:fs/promises');
        await writeFile(join(host.dir, 'daemon.json'), JSON.stringify(options.config));
      }
      if (options.beforeStart) await options.beforeStart(host);
      await host.start();
      return host;
    } catch (error) {
      await host.dispose();
      throw error;
    }
  }

  get netnsPath(): string {
    return `/run/netns/${this.netns}`;
  }

  get logFile(): string {
    return join(this.dir, 'conetd.log');
  }

  get daemonPid(): number | undefined {
    return this.daemon?.pid;
  }

  /**
   * Starts conetd inside the host namespace and waits until /_ping answers. `env`: more variables
   * for this start only (e.g. CONET_FAILPOINTS).
   */
  async start(options: { env?: Record<string, string> } = {}): Promise<void> {
    if (this.daemon) throw new Error('daemon already running');
    const argv = [
      'nsenter', `--net=${this.netnsPath}`, '--', process.execPath, CONET_BIN, 'daemon',
      '--host', `unix://${this.socket}`,
      '--data-root', join(this.dir, 'data'),
      '--exec-root', join(this.dir, 'exec'),
      '--log-level', this.options.logLevel ?? 'debug',
    ];
    if (this.options.config) argv.push('--config', join(this.dir, 'daemon.json'));
    if (this.options.daemonArgs) argv.push(...this.options.daemonArgs);
    const daemon = startProcess(argv, { logFile: this.logFile, ...(options.env ? { env: { ...process.env, ...options.env } } : {}) });
    this.daemon = daemon;
    // Generous: in cluster mode a daemon waits up to 10 s for etcd before starting from its saved
    // copy, and a loaded 2-CPU machine adds seconds to Node's own start.
    const deadline = Date.now() + 45_000;
    for (;;) {
      const exitedEarly = await Promise.race([daemon.exited.then(() => true), delay(50).then(() => false)]);
      if (exitedEarly) {
        this.daemon = undefined;
        throw new Error(`conetd exited during start-up:\n${await this.log()}`);
      }
      const ping = await run(['curl', '-fsS', '--max-time', '2', '--unix-socket', this.socket, 'http://docker/_ping'], { allowFailure: true, timeoutMs: 5_000 }).catch(() => undefined);
      if (ping?.code === 0) {
        this.daemonShortId ||= (await this.docker(['info', '--format', '{{.ID}}'])).stdout.trim().slice(0, 8);
        return;
      }
      if (Date.now() > deadline) throw new Error(`conetd did not answer within 45 s:\n${await this.log()}`);
    }
  }

  /** Graceful stop (SIGTERM); returns the exit code. */
  async stop(): Promise<number> {
    const daemon = this.daemon;
    this.daemon = undefined;
    return daemon ? daemon.stop(10_000) : 0;
  }

  /** Crash: SIGKILL, as `kill -9`. */
  async kill(): Promise<void> {
    const daemon = this.daemon;
    this.daemon = undefined;
    if (!daemon) return;
    daemon.signal('SIGKILL');
    await daemon.exited;
  }

  /** Whether the daemon ended by itself (a crash) within `ms`; it is forgotten then, as after kill(). */
  async exitedWithin(ms: number): Promise<boolean> {
    const daemon = this.daemon;
    if (!daemon) return true;
    const exited = await Promise.race([daemon.exited.then(() => true), delay(ms).then(() => false)]);
    if (exited) this.daemon = undefined;
    return exited;
  }

  async restart(options: { crash?: boolean } = {}): Promise<void> {
    if (options.crash) await this.kill();
    else await this.stop();
    await this.start();
  }

  /** The environment the docker CLI needs to reach this host's daemon. */
  get dockerEnv(): NodeJS.ProcessEnv {
    return { ...process.env, DOCKER_HOST: `unix://${this.socket}`, DOCKER_CONFIG: join(this.dir, 'docker-config'), DOCKER_CLI_HINTS: 'false' };
  }

  /** Runs the real docker CLI against this host's daemon (stdin from `input`). Never throws on a non-zero exit. */
  docker(args: readonly string[], options: { timeoutMs?: number; input?: string } = {}): Promise<RunResult> {
    return run([DOCKER_BIN, ...args], {
      allowFailure: true,
      timeoutMs: options.timeoutMs ?? 60_000,
      ...(options.input !== undefined ? { input: options.input } : {}),
      env: { ...process.env, DOCKER_HOST: `unix://${this.socket}`, DOCKER_CONFIG: join(this.dir, 'docker-config'), DOCKER_CLI_HINTS: 'false' },
    });
  }

  /** docker CLI that must succeed; returns trimmed stdout. */
  async dockerOk(args: readonly string[]): Promise<string> {
    const result = await this.docker(args);
    if (result.code !== 0) throw new Error(`docker ${args.join(' ')} exited ${result.code}: ${result.stderr || result.stdout}`);
    return result.stdout.trim();
  }

  /** Raw HTTP against the API socket (for requests the CLI can't make, e.g. malformed JSON). */
  async api(method: string, path: string, body?: string): Promise<{ status: number; body: string }> {
    const argv = ['curl', '-sS', '--max-time', '20', '--unix-socket', this.socket, '-X', method, '-o', '-', '-w', '\n%{http_code}', `http://docker${path}`];
    if (body !== undefined) argv.push('-H', 'Content-Type: application/json', '--data-binary', '@-');
    const result = await run(argv, { allowFailure: true, timeoutMs: 30_000, ...(body !== undefined ? { input: body } : {}) });
    const at = result.stdout.lastIndexOf('\n');
    return { status: Number(result.stdout.slice(at + 1)), body: result.stdout.slice(0, at) };
  }

  /** `ip ARGS` inside the host namespace. */
  async ip(args: readonly string[]): Promise<string> {
    return (await run(['ip', '-n', this.netns, ...args], { timeoutMs: 15_000 })).stdout;
  }

  async ipJson<T>(args: readonly string[]): Promise<T> {
    return JSON.parse(await this.ip(['-json', ...args])) as T;
  }

  /** `nft ARGS` inside the host namespace. */
  async nft(args: readonly string[]): Promise<RunResult> {
    return run(['ip', 'netns', 'exec', this.netns, 'nft', ...args], { allowFailure: true, timeoutMs: 15_000 });
  }

  async log(): Promise<string> {
    return readFile(this.logFile, 'utf8').catch(() => '(no log)');
  }

  /**
   * Removes everything the host made, also after a failed test: containers through the API while
   * the daemon still runs, then a sweep of what a crashed daemon could leave (runc containers and
   * their monitors, mounts under the host's directory, its sandboxes), then the namespace.
   */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.daemon) {
      const ids = (await this.docker(['ps', '-aq']).catch(() => undefined))?.stdout.split('\n').filter(Boolean) ?? [];
      if (ids.length > 0) await this.docker(['rm', '-f', ...ids], { timeoutMs: 60_000 }).catch(() => undefined);
    }
    await this.kill().catch(() => undefined);
    await sweepHost(this.dir, this.daemonShortId);
    await run(['ip', 'netns', 'del', this.netns], { allowFailure: true });
    if (await stat(this.dir).catch(() => undefined)) await rm(this.dir, { recursive: true, force: true });
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Creates a host for one test and always disposes of it, also when the test fails. */
export async function withHost<T>(fn: (host: TestHost) => Promise<T>, options: TestHostOptions = {}): Promise<T> {
  const host = await TestHost.create(options);
  try {
    return await fn(host);
  } catch (error) {
    const log = await host.log();
    throw Object.assign(error instanceof Error ? error : new Error(String(error)), { message: `${(error as Error).message}\n--- conetd log (tail) ---\n${log.split('\n').slice(-40).join('\n')}` });
  } finally {
    await host.dispose();
  }
}
