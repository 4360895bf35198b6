/**
 * A real OCI distribution registry for the image tests: Debian's `docker-registry` (distribution
 * 2.8), run inside a network namespace the caller made (a TestHost's, or one of its own), on one
 * address:port, with filesystem storage in a throwaway directory. Options: TLS with a certificate
 * from a throwaway CA (IP SAN = the address), htpasswd basic auth (bcrypt from `htpasswd -iBn`,
 * the password on stdin, never in argv), or `auth: token` pointing at a token server
 * (test/helpers/token-server.ts). The registry's access log (its combined-format lines) is parsed
 * for the tests that count blob GETs; blobPath() names the file in storage a test may tamper with.
 *
 * halt()/resume() stop and start the process on the same storage (a registry that is down);
 * stop() ends it by PID and removes every file it made.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, startProcess, type ProcessHandle, type RunResult } from '../../src/exec/index.js';
import { TestCa } from './tls.js';

export const REGISTRY_BIN = '/usr/bin/docker-registry';

export interface Credentials {
  username: string;
  password: string;
}

/** The registry side of the bearer-token flow (what TokenServer.registryAuth gives). */
export interface TokenAuthConfig {
  realm: string;
  service: string;
  issuer: string;
  /** PEM file of the certificate(s) the token signer chains to. */
  rootCertBundle: string;
}

export interface RegistryOptions {
  /** Namespace file (/run/netns/NAME) the registry runs in. */
  netns: string;
  /** Address to listen on; it must exist in that namespace (see addAddress). */
  address: string;
  /** Default 5000. */
  port?: number;
  /** Serve HTTPS with a certificate this CA signs (`true`: a CA of the registry's own, removed by stop()). */
  tls?: TestCa | true;
  /** htpasswd basic auth with these users. */
  users?: readonly Credentials[];
  /** Bearer-token auth (exclusive with users). */
  token?: TokenAuthConfig;
}

export interface AccessLogEntry {
  method: string;
  path: string;
  status: number;
}

const ACCESS_LINE = /"([A-Z]+) (\S+) HTTP\/[\d.]+" (\d{3}) /;

export class TestRegistry {
  private process: ProcessHandle | undefined;
  private stopped = false;

  private constructor(
    readonly dir: string,
    readonly netns: string,
    readonly host: string,
    readonly port: number,
    readonly tls: boolean,
    readonly caFile: string | undefined,
    readonly users: readonly Credentials[],
    private readonly ownCa: TestCa | undefined,
  ) {}

  static async start(options: RegistryOptions): Promise<TestRegistry> {
    const dir = await mkdtemp(join(tmpdir(), 'conet-registry-'));
    let ownCa: TestCa | undefined;
    let registry: TestRegistry | undefined;
    try {
      if (options.tls === true) ownCa = await TestCa.create();
      const ca = options.tls === true ? ownCa : options.tls;
      registry = new TestRegistry(dir, options.netns, options.address, options.port ?? 5000, ca !== undefined, ca?.caFile, options.users ?? [], ownCa);
      await registry.writeConfig(options, ca);
      await registry.resume();
      return registry;
    } catch (error) {
      if (registry) await registry.stop();
      else {
        await ownCa?.dispose();
        await rm(dir, { recursive: true, force: true });
      }
      throw error;
    }
  }

  /** "IP:PORT" (brackets around an IPv6 address), as a reference's registry part. */
  get address(): string {
    return this.host.includes(':') ? `[${this.host}]:${this.port}` : `${this.host}:${this.port}`;
  }

  get url(): string {
    return `${this.tls ? 'https' : 'http'}://${this.address}`;
  }

  get storageDir(): string {
    return join(this.dir, 'storage');
  }

  get configFile(): string {
    return join(this.dir, 'config.yml');
  }

  get logFile(): string {
    return join(this.dir, 'registry.log');
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** The file holding a blob in the filesystem storage (`sha256:HEX`). */
  blobPath(digest: string): string {
    const match = /^sha256:([0-9a-f]{64})$/.exec(digest);
    if (!match) throw new Error(`not a sha256 digest: ${digest}`);
    const hex = match[1]!;
    return join(this.storageDir, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
  }

  /** Every request the registry answered so far, in order. */
  async accessLog(): Promise<AccessLogEntry[]> {
    const text = await readFile(this.logFile, 'utf8').catch(() => '');
    const entries: AccessLogEntry[] = [];
    for (const line of text.split('\n')) {
      const match = ACCESS_LINE.exec(line);
      if (match) entries.push({ method: match[1]!, path: match[2]!, status: Number(match[3]) });
    }
    return entries;
  }

  /** GETs of one blob (any repository) answered 200 or 206. */
  async blobGets(digest: string): Promise<number> {
    const suffix = `/blobs/${digest}`;
    return (await this.accessLog()).filter((entry) => entry.method === 'GET' && entry.path.split('?')[0]!.endsWith(suffix) && (entry.status === 200 || entry.status === 206)).length;
  }

  /**
   * curl inside the registry's namespace, trusting its CA; `credentials`: basic auth (sent in a
   * config on stdin, not in argv). Never throws on a non-zero exit; stdout ends with the status
   * after a newline when `withStatus`.
   */
  curl(args: readonly string[], options: { credentials?: Credentials; withStatus?: boolean } = {}): Promise<RunResult> {
    const argv = ['nsenter', `--net=${this.netns}`, '--', 'curl', '-sS', '--max-time', '10', ...(this.caFile ? ['--cacert', this.caFile] : [])];
    if (options.withStatus) argv.push('-w', '\n%{http_code}');
    if (options.credentials) argv.push('--config', '-');
    argv.push(...args);
    const input = options.credentials ? `user = "${curlQuote(`${options.credentials.username}:${options.credentials.password}`)}"\n` : '';
    return run(argv, { allowFailure: true, timeoutMs: 15_000, input });
  }

  /** Starts the process again on the same storage and waits until /v2/ answers 200 or 401. */
  async resume(): Promise<void> {
    if (this.process) throw new Error('registry already running');
    const child = startProcess(['nsenter', `--net=${this.netns}`, '--', REGISTRY_BIN, 'serve', this.configFile], { logFile: this.logFile });
    this.process = child;
    const deadline = Date.now() + 15_000;
    for (;;) {
      const exited = await Promise.race([child.exited.then(() => true), delay(100).then(() => false)]);
      if (exited) {
        this.process = undefined;
        throw new Error(`docker-registry exited during start-up:\n${await this.logTail()}`);
      }
      const probe = await this.curl(['-o', '/dev/null', '-w', '%{http_code}', `${this.url}/v2/`]);
      if (probe.stdout === '200' || probe.stdout === '401') return;
      if (Date.now() > deadline) throw new Error(`docker-registry did not answer /v2/ within 15 s:\n${await this.logTail()}`);
    }
  }

  /** Kills the process (SIGKILL, by PID); storage and log stay, resume() starts it again. */
  async halt(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child) return;
    child.signal('SIGKILL');
    await child.exited;
  }

  /** Ends the registry and removes its directory (and its own CA); safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.halt().catch(() => undefined);
    await this.ownCa?.dispose();
    await rm(this.dir, { recursive: true, force: true });
  }

  async logTail(lines = 30): Promise<string> {
    const text = await readFile(this.logFile, 'utf8').catch(() => '(no log)');
    return text.split('\n').slice(-lines).join('\n');
  }

  private async writeConfig(options: RegistryOptions, ca: TestCa | undefined): Promise<void> {
    await mkdir(this.storageDir, { mode: 0o700 });
    const lines = [
      'version: 0.1',
      'log:',
      '  level: info',
      '  formatter: text',
      '  accesslog:',
      '    disabled: false',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${yamlString(this.storageDir)}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: ${yamlString(this.address)}`,
      `  secret: ${randomBytes(16).toString('hex')}`,
      '  draintimeout: 1s',
    ];
    if (ca) {
      const cert = await ca.issue(`registry-${randomBytes(4).toString('hex')}`, [options.address]);
      lines.push('  tls:', `    certificate: ${yamlString(cert.certFile)}`, `    key: ${yamlString(cert.keyFile)}`);
    }
    if (options.users && options.token) throw new Error('registry: htpasswd users and token auth are exclusive');
    if (options.users && options.users.length > 0) {
      const file = join(this.dir, 'htpasswd');
      await writeFile(file, await htpasswdLines(options.users), { mode: 0o600 });
      lines.push('auth:', '  htpasswd:', '    realm: conet-test-registry', `    path: ${yamlString(file)}`);
    }
    if (options.token) {
      const bundle = join(this.dir, 'token-roots.pem');
      await copyFile(options.token.rootCertBundle, bundle);
      const { realm, service, issuer } = options.token;
      lines.push('auth:', '  token:', `    realm: ${yamlString(realm)}`, `    service: ${yamlString(service)}`, `    issuer: ${yamlString(issuer)}`, `    rootcertbundle: ${yamlString(bundle)}`);
    }
    await writeFile(this.configFile, `${lines.join('\n')}\n`, { mode: 0o600 });
  }
}

/** `user:bcrypt` lines, each made by `htpasswd -iBn USER` with the password on stdin. */
async function htpasswdLines(users: readonly Credentials[]): Promise<string> {
  let text = '';
  for (const user of users) {
    if (!/^[A-Za-z0-9._-]+$/.test(user.username)) throw new Error(`registry: unsupported user name ${JSON.stringify(user.username)}`);
    const { stdout } = await run(['htpasswd', '-iBn', user.username], { input: user.password, timeoutMs: 15_000 });
    text += `${stdout.trim()}\n`;
  }
  return text;
}

/** A double-quoted YAML scalar (JSON strings are valid YAML). */
function yamlString(value: string): string {
  return JSON.stringify(value);
}

function curlQuote(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/**
 * Gives a namespace an address to serve on, on its loopback link (`ip addr add CIDR dev lo`): a
 * registry on a non-127/8 address is what Docker treats as a remote registry (it trusts
 * 127.0.0.0/8 as insecure by default), and no link is needed for it.
 */
export async function addAddress(netns: string, cidr: string): Promise<void> {
  await run(['nsenter', `--net=${netns}`, '--', 'ip', 'addr', 'add', cidr, 'dev', 'lo', ...(cidr.includes(':') ? ['nodad'] : [])]);
}

/**
 * Lets a client namespace reach a registry in another namespace (e.g. the benchmark's dockerd and
 * conetd pulling from one registry): a veth pair `regN`/`regcN` with 10.78.N.1/30 on the
 * registry's side and .2 on the client's, and a host route from the client to the registry's
 * address through it. `index` (0-63) keeps the links of several clients apart. Deleting either
 * namespace removes the pair.
 */
export async function linkClient(registryNetns: string, clientNetns: string, index: number, registryAddress: string): Promise<{ clientAddress: string }> {
  if (!Number.isInteger(index) || index < 0 || index > 63) throw new Error(`linkClient: index ${index} out of 0-63`);
  const name = (path: string): string => {
    const match = /^\/run\/netns\/([A-Za-z0-9_.-]+)$/.exec(path);
    if (!match) throw new Error(`linkClient: not a /run/netns path: ${path}`);
    return match[1]!;
  };
  const [registry, client] = [name(registryNetns), name(clientNetns)];
  const near = `10.78.0.${index * 4 + 1}`;
  const far = `10.78.0.${index * 4 + 2}`;
  await run(['ip', '-n', registry, 'link', 'add', `reg${index}`, 'type', 'veth', 'peer', 'name', `regc${index}`, 'netns', client]);
  await run(['ip', '-n', registry, 'addr', 'add', `${near}/30`, 'dev', `reg${index}`]);
  await run(['ip', '-n', registry, 'link', 'set', `reg${index}`, 'up']);
  await run(['ip', '-n', client, 'addr', 'add', `${far}/30`, 'dev', `regc${index}`]);
  await run(['ip', '-n', client, 'link', 'set', `regc${index}`, 'up']);
  await run(['ip', '-n', client, 'route', 'add', `${registryAddress}/32`, 'via', near]);
  return { clientAddress: far };
}

/**
 * A certs.d tree for a daemon's `certs-dirs` (`ROOT/HOST:PORT/ca.crt`, Docker's layout) trusting
 * the registry's CA; returns ROOT. The caller removes it (put it in a directory it owns).
 */
export async function writeCertsDir(registry: TestRegistry, root: string): Promise<string> {
  if (!registry.caFile) throw new Error('writeCertsDir: the registry has no TLS');
  await mkdir(join(root, registry.address), { recursive: true, mode: 0o755 });
  await copyFile(registry.caFile, join(root, registry.address, 'ca.crt'));
  return root;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
