/**
 * A small bearer-token issuer for the registry's `auth: token` flow (Debian's registry only checks
 * tokens; the issuer is ours). It runs as its own Node process inside the registry's namespace
 * (`node token-server.js CONFIG`, as fake-upstream.ts does), over HTTPS with a certificate from
 * the test CA, and answers `GET /token?service=S&scope=repository:NAME:pull,push` with an ES256
 * JWT whose header carries the signing certificate (`x5c`), which chains to the CA the registry
 * trusts (`auth.token.rootcertbundle`). Basic credentials are checked against salted SHA-256
 * hashes in a 0600 config file (passwords never in argv); a user may be limited to some
 * repositories; anonymous callers get pull tokens only when `anonymousPull` is set, else 401.
 * Every request is logged as one JSON line (user, scopes granted) for requests().
 */
import { createHash, createPrivateKey, randomBytes, sign, timingSafeEqual, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, startProcess, type ProcessHandle } from '../../src/exec/index.js';
import type { Credentials, TokenAuthConfig } from './registry.js';
import type { TestCa } from './tls.js';

export interface TokenUser extends Credentials {
  /** Repositories this user may get tokens for; absent: all. */
  repositories?: readonly string[];
}

export interface TokenServerOptions {
  netns: string;
  address: string;
  /** Default 5443. */
  port?: number;
  /** Signs the token-signing certificate and (unless tls is false) the server's certificate. */
  ca: TestCa;
  users: readonly TokenUser[];
  /** Serve HTTPS (default true). */
  tls?: boolean;
  anonymousPull?: boolean;
  service?: string;
  issuer?: string;
}

interface ServerConfig {
  address: string;
  port: number;
  tls?: { certFile: string; keyFile: string };
  signKeyFile: string;
  signCertFile: string;
  service: string;
  issuer: string;
  anonymousPull: boolean;
  users: Array<{ username: string; salt: string; hash: string; repositories?: string[] }>;
}

export interface TokenRequestRecord {
  status: number;
  user: string | null;
  granted: Array<{ type: string; name: string; actions: string[] }>;
}

export class TokenServer {
  private process: ProcessHandle | undefined;
  private stopped = false;

  private constructor(readonly dir: string, readonly netns: string, readonly config: ServerConfig, readonly caFile: string) {}

  static async start(options: TokenServerOptions): Promise<TokenServer> {
    const dir = await mkdtemp(join(tmpdir(), 'conet-token-'));
    try {
      const tag = randomBytes(4).toString('hex');
      const signer = await options.ca.issue(`token-signer-${tag}`);
      const config: ServerConfig = {
        address: options.address,
        port: options.port ?? 5443,
        signKeyFile: signer.keyFile,
        signCertFile: signer.certFile,
        service: options.service ?? 'conet-test-registry',
        issuer: options.issuer ?? 'conet-test-issuer',
        anonymousPull: options.anonymousPull ?? false,
        users: options.users.map((user) => ({ username: user.username, ...hashPassword(user.password), ...(user.repositories ? { repositories: [...user.repositories] } : {}) })),
      };
      if (options.tls !== false) config.tls = await options.ca.issue(`token-server-${tag}`, [options.address]);
      const server = new TokenServer(dir, options.netns, config, options.ca.caFile);
      await writeFile(join(dir, 'config.json'), JSON.stringify(config), { mode: 0o600 });
      await server.launch();
      return server;
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  get realm(): string {
    const host = this.config.address.includes(':') ? `[${this.config.address}]` : this.config.address;
    return `${this.config.tls ? 'https' : 'http'}://${host}:${this.config.port}/token`;
  }

  /** What TestRegistry.start's `token` option takes. */
  get registryAuth(): TokenAuthConfig {
    return { realm: this.realm, service: this.config.service, issuer: this.config.issuer, rootCertBundle: this.caFile };
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  get logFile(): string {
    return join(this.dir, 'token-server.log');
  }

  /** Every /token request answered so far, in order. */
  async requests(): Promise<TokenRequestRecord[]> {
    const text = await readFile(this.logFile, 'utf8').catch(() => '');
    return text.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as TokenRequestRecord);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const child = this.process;
    this.process = undefined;
    if (child) {
      child.signal('SIGKILL');
      await child.exited;
    }
    await rm(this.dir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    const script = fileURLToPath(import.meta.url);
    const child = startProcess(['nsenter', `--net=${this.netns}`, '--', process.execPath, script, join(this.dir, 'config.json')], { logFile: this.logFile });
    this.process = child;
    const deadline = Date.now() + 15_000;
    for (;;) {
      const exited = await Promise.race([child.exited.then(() => true), delay(100).then(() => false)]);
      if (exited) {
        this.process = undefined;
        throw new Error(`token server exited during start-up: ${await readFile(this.logFile, 'utf8').catch(() => '')}`);
      }
      const probe = await run(['nsenter', `--net=${this.netns}`, '--', 'curl', '-sS', '--max-time', '2', '--cacert', this.caFile, '-o', '/dev/null', '-w', '%{http_code}', `${this.realm.replace(/\/token$/, '/healthz')}`], { allowFailure: true, timeoutMs: 5_000 });
      if (probe.stdout === '200') return;
      if (Date.now() > deadline) throw new Error('token server did not answer within 15 s');
    }
  }
}

function hashPassword(password: string, salt = randomBytes(16).toString('hex')): { salt: string; hash: string } {
  return { salt, hash: createHash('sha256').update(salt).update(password).digest('hex') };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---- the server process ----

const ACTIONS = new Set(['pull', 'push', 'delete', '*']);
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

interface Scope {
  type: string;
  name: string;
  actions: string[];
}

/** `type:name:a,b` (the name may not hold ':'); anything else is null. */
export function parseScope(text: string): Scope | null {
  const first = text.indexOf(':');
  const last = text.lastIndexOf(':');
  if (first <= 0 || last === first) return null;
  const type = text.slice(0, first);
  const name = text.slice(first + 1, last);
  const actions = text.slice(last + 1).split(',').filter(Boolean);
  if (type === 'registry' && name === 'catalog' && actions.every((action) => action === '*')) return { type, name, actions };
  if (type !== 'repository' || name.length > 255 || !REPOSITORY.test(name)) return null;
  if (actions.length === 0 || !actions.every((action) => ACTIONS.has(action))) return null;
  return { type, name, actions };
}

type Caller = { user: ServerConfig['users'][number] } | { anonymous: true } | null;

/** The caller from an Authorization header: a known user, anonymous (no header), or null (bad). */
function authenticate(header: string | undefined, config: ServerConfig): Caller {
  if (header === undefined) return { anonymous: true };
  const match = /^Basic ([A-Za-z0-9+/=]{1,1024})$/.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const user = config.users.find((candidate) => candidate.username === decoded.slice(0, colon));
  if (!user) return null;
  const given = Buffer.from(hashPassword(decoded.slice(colon + 1), user.salt).hash, 'hex');
  return timingSafeEqual(given, Buffer.from(user.hash, 'hex')) ? { user } : null;
}

function grant(scope: Scope, caller: Exclude<Caller, null>, config: ServerConfig): Scope {
  if ('anonymous' in caller) {
    const actions = config.anonymousPull && scope.type === 'repository' ? scope.actions.filter((action) => action === 'pull') : [];
    return { ...scope, actions };
  }
  const allowed = scope.type === 'registry' || !caller.user.repositories || caller.user.repositories.includes(scope.name);
  return { ...scope, actions: allowed ? scope.actions : [] };
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

function issueToken(subject: string, access: Scope[], config: ServerConfig, key: KeyObject, certDer: string): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { typ: 'JWT', alg: 'ES256', x5c: [certDer] };
  const claims = { iss: config.issuer, sub: subject, aud: config.service, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(12).toString('hex'), access };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${base64url(signature)}`;
}

function reply(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

function handle(request: IncomingMessage, response: ServerResponse, config: ServerConfig, key: KeyObject, certDer: string): void {
  const url = new URL(request.url ?? '/', 'http://token');
  if (request.method === 'GET' && url.pathname === '/healthz') return reply(response, 200, { ok: true });
  if (request.method !== 'GET' || url.pathname !== '/token') return reply(response, 404, { errors: [{ code: 'NOT_FOUND' }] });
  const log = (status: number, user: string | null, granted: Scope[]): void => console.log(JSON.stringify({ status, user, granted }));
  if (url.searchParams.get('service') !== config.service) {
    log(400, null, []);
    return reply(response, 400, { errors: [{ code: 'UNSUPPORTED', message: 'unknown service' }] });
  }
  const caller = authenticate(request.headers.authorization, config);
  if (caller === null || ('anonymous' in caller && !config.anonymousPull)) {
    log(401, null, []);
    return reply(response, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }, { 'WWW-Authenticate': 'Basic realm="conet-test-token"' });
  }
  const scopes = url.searchParams.getAll('scope').flatMap((value) => value.split(' ')).filter(Boolean).map(parseScope);
  if (scopes.some((scope) => scope === null)) {
    log(400, null, []);
    return reply(response, 400, { errors: [{ code: 'INVALID_SCOPE', message: 'malformed scope' }] });
  }
  const granted = (scopes as Scope[]).map((scope) => grant(scope, caller, config)).filter((scope) => scope.actions.length > 0);
  const subject = 'user' in caller ? caller.user.username : '';
  log(200, subject || null, granted);
  const token = issueToken(subject, granted, config, key, certDer);
  reply(response, 200, { token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() });
}

function main(configFile: string): void {
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as ServerConfig;
  const key = createPrivateKey(readFileSync(config.signKeyFile));
  const certDer = new X509Certificate(readFileSync(config.signCertFile)).raw.toString('base64');
  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    try {
      handle(request, response, config, key, certDer);
    } catch {
      reply(response, 500, { errors: [{ code: 'UNKNOWN' }] });
    }
  };
  const server = config.tls
    ? createHttpsServer({ cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) }, handler)
    : createHttpServer(handler);
  server.listen(config.port, config.address, () => console.error('ready'));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv[2] ?? '');
