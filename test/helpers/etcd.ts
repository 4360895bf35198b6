/**
 * A real etcd server (Debian's etcd-server) for tests: one member, its data in a throwaway
 * directory, listening on one address inside a namespace the test made (or on 127.0.0.1 of the
 * test's own namespace when no netns is given). stop/kill/start keep the data directory, so a
 * "restarted" etcd has the same keys and leases; dispose() removes everything.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { run, startProcess, type ProcessHandle } from '../../src/exec/index.js';

export interface EtcdServerOptions {
  /** Namespace file (/run/netns/NAME) to run in; absent: the test process's own namespace. */
  netns?: string;
  /** Address to listen on (must exist in that namespace); default 127.0.0.1. */
  address?: string;
  /** Client port; default 2379 inside a netns, a free port on 127.0.0.1 otherwise. */
  port?: number;
  /** Serve clients over TLS and require client certificates signed by this CA (test/helpers/tls.ts). */
  tls?: { caFile: string; certFile: string; keyFile: string };
}

export class EtcdServer {
  private process: ProcessHandle | undefined;
  private disposed = false;

  private constructor(
    readonly dir: string,
    readonly address: string,
    readonly port: number,
    private readonly netns: string | undefined,
    private readonly tls: EtcdServerOptions['tls'],
  ) {}

  static async start(options: EtcdServerOptions = {}): Promise<EtcdServer> {
    const address = options.address ?? '127.0.0.1';
    const port = options.port ?? (options.netns ? 2379 : await freePort());
    const server = new EtcdServer(join('/tmp', `conet-test-etcd-${randomBytes(4).toString('hex')}`), address, port, options.netns, options.tls);
    try {
      await mkdir(server.dir, { recursive: true, mode: 0o700 });
      await server.resume();
      return server;
    } catch (error) {
      await server.dispose();
      throw error;
    }
  }

  /** The client URL, e.g. http://10.99.0.2:2379. */
  get url(): string {
    return `${this.tls ? 'https' : 'http'}://${this.address}:${this.port}`;
  }

  /** `etcd://ADDRESS:PORT`, as conetd's --cluster-store takes it. */
  get clusterStore(): string {
    return `etcd://${this.address}:${this.port}`;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** Starts the server again on its data directory (after stop or kill) and waits until healthy. */
  async resume(): Promise<void> {
    if (this.process) throw new Error('etcd already running');
    // The peer URL only ever serves this one member: loopback of its namespace, a port that
    // can't collide with the client port.
    const peer = `http://127.0.0.1:${this.port + 1}`;
    const argv = [
      ...(this.netns ? ['nsenter', `--net=${this.netns}`, '--'] : []),
      'etcd',
      '--name', 'conet-test',
      '--data-dir', join(this.dir, 'data'),
      '--listen-client-urls', this.url,
      '--advertise-client-urls', this.url,
      '--listen-peer-urls', peer,
      '--initial-advertise-peer-urls', peer,
      '--initial-cluster', `conet-test=${peer}`,
      '--initial-cluster-state', 'new',
      '--log-level', 'warn',
      ...(this.tls ? ['--cert-file', this.tls.certFile, '--key-file', this.tls.keyFile, '--trusted-ca-file', this.tls.caFile, '--client-cert-auth'] : []),
    ];
    const child = startProcess(argv, { logFile: join(this.dir, 'etcd.log') });
    this.process = child;
    const deadline = Date.now() + 20_000;
    for (;;) {
      const exited = await Promise.race([child.exited.then(() => true), delay(100).then(() => false)]);
      if (exited) {
        this.process = undefined;
        throw new Error(`etcd exited during start-up (see ${join(this.dir, 'etcd.log')})`);
      }
      const health = await run([...(this.netns ? ['nsenter', `--net=${this.netns}`, '--'] : []), 'curl', '-fsS', '--max-time', '2', ...(this.tls ? ['--cacert', this.tls.caFile, '--cert', this.tls.certFile, '--key', this.tls.keyFile] : []), `${this.url}/health`], { allowFailure: true, timeoutMs: 5_000 }).catch(() => undefined);
      if (health?.code === 0 && health.stdout.includes('"health":"true"')) return;
      if (Date.now() > deadline) throw new Error(`etcd did not become healthy within 20 s (see ${join(this.dir, 'etcd.log')})`);
    }
  }

  /** Graceful stop (SIGTERM); the data directory stays. */
  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (child) await child.stop(10_000);
  }

  /** SIGKILL; the data directory stays. */
  async kill(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child) return;
    child.signal('SIGKILL');
    await child.exited;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.kill().catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A free TCP port on 127.0.0.1 whose successor is free too (etcd's peer port). */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    if (port > 0 && port < 65535 && (await portFree(port + 1))) return port;
  }
  throw new Error('no free port pair on 127.0.0.1');
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
