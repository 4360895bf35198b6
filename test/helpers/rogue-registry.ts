/**
 * A registry that answers garbage, for the pull's bad-input tests: its own Node process inside a
 * test namespace (`node rogue-registry.js ADDRESS PORT`, plain HTTP, as fake-upstream.ts runs),
 * answering /v2/ like a registry and every repository `rogue/MODE` the way MODE says (ROGUE_MODES).
 * Nothing it sends is valid where it matters, so a puller must refuse each with a clear error and
 * store nothing. Requests are logged one JSON line each ({method, path}) for requests().
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, startProcess, type ProcessHandle } from '../../src/exec/index.js';

/** What `rogue/MODE` answers (manifests by tag or digest; blobs where a mode has some). */
export const ROGUE_MODES = {
  /** Manifest body is not JSON, Content-Type says OCI manifest. */
  json: 'a manifest that is not JSON',
  /** An HTML page with 200 for the manifest. */
  html: 'an HTML page instead of a manifest',
  /** A well-formed OCI manifest whose Docker-Content-Digest is not its sha256 (by tag or by any digest). */
  digest: 'a manifest whose digest does not match its bytes',
  /** A JSON manifest of an unknown media type. */
  mediatype: 'a manifest of an unknown media type',
  /** A 64 MiB "manifest" (clients cap manifests at a few MiB). */
  huge: 'a manifest far over any size limit',
  /** 500 with a non-JSON body for everything. */
  error: 'HTTP 500 with garbage',
  /** A valid manifest and config; its one layer's blob is bytes of another digest. */
  blob: 'a layer blob whose bytes do not match its digest',
  /** Accepts the connection for manifests and never answers. */
  silent: 'never answers',
} as const;

export type RogueMode = keyof typeof ROGUE_MODES;

export class RogueRegistry {
  private process: ProcessHandle | undefined;
  private stopped = false;

  private constructor(readonly dir: string, readonly netns: string, readonly host: string, readonly port: number) {}

  static async start(options: { netns: string; address: string; port?: number }): Promise<RogueRegistry> {
    const rogue = new RogueRegistry(await mkdtemp(join(tmpdir(), 'conet-rogue-')), options.netns, options.address, options.port ?? 5099);
    try {
      await rogue.launch();
      return rogue;
    } catch (error) {
      await rogue.stop();
      throw error;
    }
  }

  /** "IP:PORT", as a reference's registry part. */
  get address(): string {
    return this.host.includes(':') ? `[${this.host}]:${this.port}` : `${this.host}:${this.port}`;
  }

  get url(): string {
    return `http://${this.address}`;
  }

  /** The reference of a mode's image: `IP:PORT/rogue/MODE:latest`. */
  reference(mode: RogueMode): string {
    return `${this.address}/rogue/${mode}:latest`;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  async requests(): Promise<Array<{ method: string; path: string }>> {
    const text = await readFile(join(this.dir, 'rogue.log'), 'utf8').catch(() => '');
    return text.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { method: string; path: string });
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
    const child = startProcess(['nsenter', `--net=${this.netns}`, '--', process.execPath, fileURLToPath(import.meta.url), this.host, String(this.port)], { logFile: join(this.dir, 'rogue.log') });
    this.process = child;
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (await Promise.race([child.exited.then(() => true), delay(100).then(() => false)])) {
        this.process = undefined;
        throw new Error(`rogue registry exited during start-up: ${await readFile(join(this.dir, 'rogue.log'), 'utf8').catch(() => '')}`);
      }
      const probe = await run(['nsenter', `--net=${this.netns}`, '--', 'curl', '-sS', '--max-time', '2', '-o', '/dev/null', '-w', '%{http_code}', `${this.url}/v2/`], { allowFailure: true, timeoutMs: 5_000 });
      if (probe.stdout === '200') return;
      if (Date.now() > deadline) throw new Error('rogue registry did not answer within 15 s');
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---- the server process ----

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** A valid config and manifest with one layer whose claimed digest is of `layerClaimed`. */
function validImage(): { config: Buffer; manifest: Buffer; layerClaimed: Buffer } {
  const layerClaimed = Buffer.from('the bytes the manifest promises');
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Cmd: ['sh'] }, rootfs: { type: 'layers', diff_ids: [sha256('uncompressed')] } }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layerClaimed), size: layerClaimed.length }],
  }));
  return { config, manifest, layerClaimed };
}

function send(response: ServerResponse, status: number, type: string, body: Buffer | string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': type, 'Docker-Distribution-API-Version': 'registry/2.0', 'Content-Length': String(Buffer.byteLength(body)), ...headers });
  response.end(body);
}

function manifestFor(mode: string, response: ServerResponse, head: boolean): void {
  const image = validImage();
  const reply = (status: number, type: string, body: Buffer | string, headers: Record<string, string> = {}): void =>
    head ? (response.writeHead(status, { 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)), ...headers }), void response.end()) : send(response, status, type, body, headers);
  if (mode === 'json') return reply(200, OCI_MANIFEST, '{"schemaVersion": 2, "layers": [');
  if (mode === 'html') return reply(200, 'text/html', '<html><body>Welcome to our portal</body></html>');
  if (mode === 'digest') return reply(200, OCI_MANIFEST, image.manifest, { 'Docker-Content-Digest': sha256('something else') });
  if (mode === 'mediatype') return reply(200, 'application/vnd.evil.manifest+json', JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.evil.manifest+json', layers: [] }));
  if (mode === 'blob') return reply(200, OCI_MANIFEST, image.manifest, { 'Docker-Content-Digest': sha256(image.manifest) });
  if (mode === 'huge') {
    if (head) return reply(200, OCI_MANIFEST, '');
    response.writeHead(200, { 'Content-Type': OCI_MANIFEST, 'Content-Length': String(64 << 20) });
    const chunk = Buffer.alloc(1 << 20, 0x5b);
    let sent = 0;
    const pump = (): void => {
      while (sent < 64 && response.write(chunk)) sent += 1;
      if (sent >= 64) response.end();
      else response.once('drain', () => ((sent += 1), pump()));
    };
    return pump();
  }
  return reply(404, 'application/json', JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }));
}

function blobFor(mode: string, digest: string, response: ServerResponse): void {
  const image = validImage();
  if (mode === 'blob' && digest === sha256(image.config)) return send(response, 200, 'application/octet-stream', image.config, { 'Docker-Content-Digest': digest });
  if (mode === 'blob' && digest === sha256(image.layerClaimed)) {
    return send(response, 200, 'application/octet-stream', Buffer.alloc(image.layerClaimed.length, 0x41), { 'Docker-Content-Digest': digest });
  }
  send(response, 404, 'application/json', JSON.stringify({ errors: [{ code: 'BLOB_UNKNOWN', message: 'blob unknown' }] }));
}

function handle(request: IncomingMessage, response: ServerResponse): void {
  const path = (request.url ?? '/').split('?')[0]!;
  console.log(JSON.stringify({ method: request.method, path }));
  if (path === '/v2/' || path === '/v2') return send(response, 200, 'application/json', '{}');
  const match = /^\/v2\/rogue\/([a-z]+)\/(manifests|blobs)\/([A-Za-z0-9_.:-]+)$/.exec(path);
  const mode = match?.[1] ?? '';
  if (mode === 'error') return send(response, 500, 'text/plain', '\u0000\u00ffgarbage\n');
  if (mode === 'silent') return void request.socket.setTimeout(0);
  if (match && (request.method === 'GET' || request.method === 'HEAD')) {
    if (match[2] === 'manifests') return manifestFor(mode, response, request.method === 'HEAD');
    return blobFor(mode, match[3]!, response);
  }
  send(response, 404, 'application/json', JSON.stringify({ errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }] }));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const server = createServer(handle);
  server.listen(Number(process.argv[3] ?? '5099'), process.argv[2] ?? '127.0.0.1', () => console.error('ready'));
}
