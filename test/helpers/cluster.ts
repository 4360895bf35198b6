/**
 * A throwaway cluster of test hosts for multi-host (overlay) tests, all in namespaces the test
 * makes and nothing in the machine's own:
 *
 *   conet-t-<id>-lan    the "LAN": bridge lan0 (LAN_PREFIX.1/24, the hosts' default gateway)
 *   conet-t-<id>-etcd   a real etcd on LAN_PREFIX.2:2379 (veth eth0 into lan0)
 *   conet-t-<id>-hN     TestHost N (1-based): underlay veth eth0 at LAN_PREFIX.(10+N)/24 into lan0,
 *                       wired before its conetd starts with --cluster-store etcd://LAN_PREFIX.2:2379
 *                       --cluster-advertise LAN_PREFIX.(10+N) [--cluster-store-opt discovery.ttl=T]
 *
 * dispose() removes everything, also after a failure part-way through create(): hosts first (their
 * containers, daemons and namespaces), then etcd, then the etcd and LAN namespaces.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../src/exec/index.js';
import { EtcdServer } from './etcd.js';
import { delay, NETNS_PREFIX, TestHost } from './host.js';
import { deleteNetns, listNetns } from './netns.js';

export interface TestClusterOptions {
  /** Number of hosts (default 3). */
  hosts?: number;
  /** `--cluster-store-opt discovery.ttl=N` for every daemon (absent: the daemon's default). */
  ttlSeconds?: number;
  /** JSON for every daemon's --config file. */
  daemonConfig?: Record<string, unknown>;
  /** First three octets of the LAN's /24 (default 10.99.0). */
  lanPrefix?: string;
  /** Underlay MTU of every LAN link (default 1500). */
  mtu?: number;
  logLevel?: string;
}

export const DEFAULT_LAN_PREFIX = '10.99.0';

export class TestCluster {
  /** Every namespace of this cluster starts with this (conet-t-<6 hex>-). */
  readonly prefix: string;
  readonly lanPrefix: string;
  readonly hosts: TestHost[] = [];
  private etcdServer: EtcdServer | undefined;
  private disposed = false;

  private constructor(readonly id: string, private readonly options: TestClusterOptions) {
    this.prefix = `${NETNS_PREFIX}${id}-`;
    this.lanPrefix = options.lanPrefix ?? DEFAULT_LAN_PREFIX;
    if (!/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(this.lanPrefix)) throw new Error(`lanPrefix must be three octets, got ${this.lanPrefix}`);
  }

  static async create(options: TestClusterOptions = {}): Promise<TestCluster> {
    const count = options.hosts ?? 3;
    if (!Number.isInteger(count) || count < 1 || count > 200) throw new Error(`hosts must be 1..200, got ${count}`);
    const cluster = new TestCluster(randomBytes(3).toString('hex'), options);
    try {
      await cluster.createLan();
      await cluster.createEtcd();
      // The daemons need etcd from their first moment; they start in parallel.
      const settled = await Promise.allSettled(Array.from({ length: count }, (_, index) => cluster.createHost(index + 1)));
      for (const result of settled) if (result.status === 'fulfilled') cluster.hosts.push(result.value);
      cluster.hosts.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
      const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) throw failed.reason;
      return cluster;
    } catch (error) {
      await cluster.dispose().catch(() => undefined);
      throw error;
    }
  }

  /** The etcd server (stop/kill/resume keep its data). */
  get etcd(): EtcdServer {
    if (!this.etcdServer) throw new Error('etcd is not running');
    return this.etcdServer;
  }

  get lanNetns(): string {
    return `${this.prefix}lan`;
  }

  get etcdNetns(): string {
    return `${this.prefix}etcd`;
  }

  get lanGateway(): string {
    return `${this.lanPrefix}.1`;
  }

  get etcdAddress(): string {
    return `${this.lanPrefix}.2`;
  }

  /** Underlay address of host `index` (0-based, as `hosts[index]`): LAN_PREFIX.(11+index). */
  addressOf(index: number): string {
    return `${this.lanPrefix}.${11 + index}`;
  }

  /** Name of the underlay link inside every host namespace. */
  get underlayDevice(): string {
    return 'eth0';
  }

  private async createLan(): Promise<void> {
    await this.makeNetns('lan');
    const mtu = String(this.options.mtu ?? 1500);
    // A fixed MAC: a bridge otherwise takes its lowest port's, which changes as hosts are plugged
    // in, and hosts that resolved the gateway before keep sending to a MAC nobody has any more.
    await this.ipIn(this.lanNetns, ['link', 'add', 'lan0', 'address', '02:99:00:00:00:01', 'mtu', mtu, 'type', 'bridge']);
    await this.ipIn(this.lanNetns, ['addr', 'add', `${this.lanGateway}/24`, 'dev', 'lan0']);
    await this.ipIn(this.lanNetns, ['link', 'set', 'lan0', 'up']);
  }

  /** `conet-t-<id>-ROLE` with loopback up; a half-made one is found by dispose() through the prefix. */
  private async makeNetns(role: string): Promise<string> {
    const name = `${this.prefix}${role}`;
    await run(['ip', 'netns', 'add', name]);
    await run(['ip', '-n', name, 'link', 'set', 'lo', 'up']);
    return name;
  }

  /** A veth from `ns` (named `inner`, with `address`/24, up) to a port `port` of lan0. */
  private async plug(ns: string, inner: string, port: string, address: string): Promise<void> {
    const mtu = String(this.options.mtu ?? 1500);
    await this.ipIn(this.lanNetns, ['link', 'add', port, 'mtu', mtu, 'type', 'veth', 'peer', 'name', inner, 'mtu', mtu, 'netns', ns]);
    await this.ipIn(this.lanNetns, ['link', 'set', port, 'master', 'lan0', 'up']);
    await this.ipIn(ns, ['addr', 'add', `${address}/24`, 'dev', inner]);
    await this.ipIn(ns, ['link', 'set', inner, 'up']);
  }

  private async createEtcd(): Promise<void> {
    await this.makeNetns('etcd');
    await this.plug(this.etcdNetns, 'eth0', 'etcd', this.etcdAddress);
    this.etcdServer = await EtcdServer.start({ netns: `/run/netns/${this.etcdNetns}`, address: this.etcdAddress });
  }

  private createHost(number: number): Promise<TestHost> {
    const address = this.addressOf(number - 1);
    const daemonArgs = ['--cluster-store', `etcd://${this.etcdAddress}:2379`, '--cluster-advertise', address];
    if (this.options.ttlSeconds !== undefined) daemonArgs.push('--cluster-store-opt', `discovery.ttl=${this.options.ttlSeconds}`);
    return TestHost.create({
      name: `${this.id}-h${number}`,
      daemonArgs,
      ...(this.options.daemonConfig ? { config: this.options.daemonConfig } : {}),
      ...(this.options.logLevel ? { logLevel: this.options.logLevel } : {}),
      beforeStart: async (host) => {
        await this.plug(host.netns, this.underlayDevice, `h${number}`, address);
        await host.ip(['route', 'add', 'default', 'via', this.lanGateway]);
        await this.waitForEtcdFrom(host);
      },
    });
  }

  /** The underlay is ready when etcd answers over it: conetd then starts with its store reachable. */
  private async waitForEtcdFrom(host: TestHost): Promise<void> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const health = await run(['nsenter', `--net=${host.netnsPath}`, 'curl', '-fsS', '--max-time', '2', `http://${this.etcdAddress}:2379/health`], { allowFailure: true, timeoutMs: 5_000 }).catch(() => undefined);
      if (health?.code === 0 && health.stdout.includes('"health":"true"')) return;
      if (Date.now() > deadline) throw new Error(`etcd at ${this.etcdAddress} not reachable from ${host.netns} within 15 s: ${health?.stderr ?? ''}`);
      await delay(100);
    }
  }

  private async ipIn(ns: string, args: readonly string[]): Promise<void> {
    await run(['ip', '-n', ns, ...args], { timeoutMs: 15_000 });
  }

  /** The last `lines` lines of every host's conetd log and of etcd's, for a failure message. */
  async logs(lines = 40): Promise<string> {
    const parts: string[] = [];
    for (const [index, host] of this.hosts.entries()) {
      const log = await host.log();
      parts.push(`--- conetd log of host ${index + 1} (${host.netns}, ${this.addressOf(index)}) (tail) ---\n${log.split('\n').slice(-lines).join('\n')}`);
    }
    if (this.etcdServer) {
      const log = await readFile(join(this.etcdServer.dir, 'etcd.log'), 'utf8').catch(() => '(no log)');
      parts.push(`--- etcd log (${this.etcdServer.pid === undefined ? 'stopped' : 'running'}) (tail) ---\n${log.split('\n').slice(-Math.min(lines, 10)).join('\n')}`);
    }
    return parts.join('\n');
  }

  /** Runs fn; on failure rethrows with the tail of every daemon's log appended to the message. */
  async explain<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      failure.message = `${failure.message}\n${await this.logs().catch((reason: unknown) => `(logs unavailable: ${String(reason)})`)}`;
      throw failure;
    }
  }

  /**
   * Removes everything, safe to call twice and after a partial create(): hosts (in parallel),
   * etcd, then the etcd and LAN namespaces, and finally any namespace left with this cluster's
   * prefix. Throws an AggregateError listing what could not be removed.
   */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const errors: unknown[] = [];
    // Hosts remove their containers through the API; with etcd down that would only wait for 503s.
    if (this.etcdServer && this.etcdServer.pid === undefined) await this.etcdServer.resume().catch(() => undefined);
    for (const result of await Promise.allSettled(this.hosts.map((host) => host.dispose()))) {
      if (result.status === 'rejected') errors.push(result.reason);
    }
    if (this.etcdServer) await this.etcdServer.dispose().catch((error: unknown) => errors.push(error));
    for (const name of [this.etcdNetns, this.lanNetns]) await deleteNetns(name).catch((error: unknown) => errors.push(error));
    for (const name of await listNetns(this.prefix).catch(() => [])) await deleteNetns(name).catch((error: unknown) => errors.push(error));
    if (errors.length > 0) throw new AggregateError(errors, `disposing cluster ${this.id} failed`);
  }
}

/** Creates a cluster for one test and always disposes of it; a failure carries every daemon's log tail. */
export async function withCluster<T>(fn: (cluster: TestCluster) => Promise<T>, options: TestClusterOptions = {}): Promise<T> {
  const cluster = await TestCluster.create(options);
  try {
    return await cluster.explain(() => fn(cluster));
  } finally {
    await cluster.dispose();
  }
}
