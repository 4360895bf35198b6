/**
 * Stand-in images for registry tests, built without any Docker engine: an OCI layout made by
 * umoci (init, new, config, and `raw add-layer` of tar files we write: busybox's rootfs, a few
 * files, or random bytes of a given size), an image index of several platforms written here as
 * OCI JSON, and `skopeo copy` into a TestRegistry (OCI or Docker schema 2, TLS verified against
 * the registry's CA, credentials in a 0600 auth file, never in argv).
 *
 * An image built `from` another tag keeps that tag's layers, so two images share their base
 * blobs (the same digests in both manifests).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { run } from '../../src/exec/index.js';
import { buildBusyboxRootfs } from '../../src/runtime/images/busybox.js';
import type { Credentials, TestRegistry } from './registry.js';

import { NGINX_PAGE } from './images.js';

export { NGINX_PAGE };
export const WEBAPP_TEXT = 'Hello world!';

export type LayerSpec =
  /** Debian's static busybox with its applet links, /etc/passwd and /etc/group. */
  | { kind: 'busybox' }
  /** Regular files (parents made), content as given; mode default 0644. */
  | { kind: 'files'; files: Record<string, string | Buffer | { content: string | Buffer; mode: number }> }
  /** One file of `bytes` random bytes (incompressible: the layer's blob is about that size). */
  | { kind: 'random'; bytes: number; path?: string };

export interface ImageConfigSpec {
  cmd?: readonly string[];
  entrypoint?: readonly string[];
  env?: readonly string[];
  /** "80/tcp", "443/tcp", ... */
  exposedPorts?: readonly string[];
  workingDir?: string;
  labels?: Record<string, string>;
  architecture?: string;
  os?: string;
}

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
}

const TAG = /^[A-Za-z0-9_.-]+$/;
const TAR_FLAGS = ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '--format=posix', '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime'];
const UMOCI_TIMEOUT = 180_000;

export interface OciDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

/** An OCI image layout in a throwaway directory; dispose() removes it. */
export class OciLayout {
  private constructor(readonly dir: string) {}

  get layout(): string {
    return join(this.dir, 'layout');
  }

  static async create(): Promise<OciLayout> {
    const oci = new OciLayout(await mkdtemp(join(tmpdir(), 'conet-oci-')));
    try {
      await run(['umoci', 'init', '--layout', oci.layout]);
      return oci;
    } catch (error) {
      await oci.dispose();
      throw error;
    }
  }

  /**
   * Makes tag `tag`: `from`'s layers (or none), then `layers` in order, then `config` applied.
   * Returns the manifest's descriptor.
   */
  async image(tag: string, spec: { from?: string; layers?: readonly LayerSpec[]; config?: ImageConfigSpec }): Promise<OciDescriptor> {
    checkTag(tag);
    if (spec.from) {
      checkTag(spec.from);
      await this.tag(spec.from, tag);
    } else {
      await this.umoci(['new', '--image', `${this.layout}:${tag}`]);
    }
    for (const [index, layer] of (spec.layers ?? []).entries()) {
      const tar = await this.layerTar(layer, `${tag}-${index}`);
      try {
        await this.umoci(['raw', 'add-layer', '--image', `${this.layout}:${tag}`, '--history.created_by', `conet test layer ${layer.kind}`, tar]);
      } finally {
        await rm(tar, { force: true });
      }
    }
    if (spec.config) await this.umoci(['config', '--image', `${this.layout}:${tag}`, '--no-history', ...configFlags(spec.config)]);
    return this.descriptor(tag);
  }

  /**
   * Makes tag `tag` an image index over other tags with their platforms (a multi-arch image).
   * Each image's config should carry the same architecture/os (ImageConfigSpec.architecture).
   */
  async index(tag: string, entries: ReadonlyArray<{ tag: string; platform: Platform }>): Promise<OciDescriptor> {
    checkTag(tag);
    const manifests: OciDescriptor[] = [];
    for (const entry of entries) {
      const { annotations: _annotations, ...descriptor } = await this.descriptor(entry.tag);
      manifests.push({ ...descriptor, platform: entry.platform });
    }
    const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    await writeFile(this.blobFile(digest), body);
    const descriptor: OciDescriptor = { mediaType: 'application/vnd.oci.image.index.v1+json', digest, size: body.length, annotations: { 'org.opencontainers.image.ref.name': tag } };
    await this.setTag(tag, descriptor);
    return descriptor;
  }

  private async setTag(tag: string, descriptor: OciDescriptor): Promise<void> {
    const indexFile = join(this.layout, 'index.json');
    const top = JSON.parse(await readFile(indexFile, 'utf8')) as { manifests: OciDescriptor[] };
    top.manifests = [...top.manifests.filter((entry) => entry.annotations?.['org.opencontainers.image.ref.name'] !== tag), descriptor];
    await writeFile(indexFile, JSON.stringify(top));
  }

  /** Points `tag` at the manifest (or index) `source` names. */
  async tag(source: string, tag: string): Promise<void> {
    checkTag(tag);
    const { annotations, ...descriptor } = await this.descriptor(source);
    await this.setTag(tag, { ...descriptor, annotations: { ...annotations, 'org.opencontainers.image.ref.name': tag } });
  }

  /** The descriptor that index.json holds for a tag. */
  async descriptor(tag: string): Promise<OciDescriptor> {
    const top = JSON.parse(await readFile(join(this.layout, 'index.json'), 'utf8')) as { manifests: OciDescriptor[] };
    const found = top.manifests.find((entry) => entry.annotations?.['org.opencontainers.image.ref.name'] === tag);
    if (!found) throw new Error(`no tag ${tag} in ${this.layout}`);
    return found;
  }

  /** A blob of the layout, parsed as JSON (a manifest, an index, a config). */
  async json<T = Record<string, unknown>>(digest: string): Promise<T> {
    return JSON.parse(await readFile(this.blobFile(digest), 'utf8')) as T;
  }

  /** Layer digests (compressed blobs) of a tag's manifest, base first. */
  async layers(tag: string): Promise<string[]> {
    const manifest = await this.json<{ layers: OciDescriptor[] }>((await this.descriptor(tag)).digest);
    return manifest.layers.map((layer) => layer.digest);
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  private blobFile(digest: string): string {
    const match = /^sha256:([0-9a-f]{64})$/.exec(digest);
    if (!match) throw new Error(`not a sha256 digest: ${digest}`);
    return join(this.layout, 'blobs', 'sha256', match[1]!);
  }

  private async umoci(args: readonly string[]): Promise<void> {
    await run(['umoci', ...args], { timeoutMs: UMOCI_TIMEOUT });
  }

  /** Writes the layer's content into a fresh directory and tars it (deterministic headers). */
  private async layerTar(layer: LayerSpec, name: string): Promise<string> {
    const root = join(this.dir, `rootfs-${name}`);
    const tar = join(this.dir, `layer-${name}.tar`);
    await mkdir(root, { mode: 0o755 });
    try {
      await fillLayer(root, layer);
      await run(['tar', '-C', root, ...TAR_FLAGS, '-c', '-f', tar, '.'], { timeoutMs: UMOCI_TIMEOUT });
      return tar;
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }
}

async function fillLayer(root: string, layer: LayerSpec): Promise<void> {
  if (layer.kind === 'busybox') {
    await buildBusyboxRootfs(root);
    return;
  }
  if (layer.kind === 'random') {
    await writeRandom(join(root, safeRelative(layer.path ?? 'data/random.bin')), layer.bytes);
    return;
  }
  for (const [path, value] of Object.entries(layer.files)) {
    const file = join(root, safeRelative(path));
    const { content, mode } = typeof value === 'string' || Buffer.isBuffer(value) ? { content: value, mode: 0o644 } : value;
    await mkdir(dirname(file), { recursive: true, mode: 0o755 });
    await writeFile(file, content);
    await chmod(file, mode);
  }
}

async function writeRandom(file: string, bytes: number): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o755 });
  const out = createWriteStream(file);
  const chunk = 1 << 20;
  for (let written = 0; written < bytes; written += chunk) {
    const piece = randomBytes(Math.min(chunk, bytes - written));
    if (!out.write(piece)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

function safeRelative(path: string): string {
  const clean = path.replace(/^\/+/, '');
  if (clean === '' || clean.split('/').some((part) => part === '..' || part === '')) throw new Error(`bad layer path ${path}`);
  return clean;
}

function checkTag(tag: string): void {
  if (!TAG.test(tag)) throw new Error(`bad OCI layout tag ${JSON.stringify(tag)}`);
}

function configFlags(config: ImageConfigSpec): string[] {
  const flags: string[] = [];
  const clear = [config.cmd && 'config.cmd', config.entrypoint && 'config.entrypoint', config.env && 'config.env'].filter((value): value is string => typeof value === 'string');
  for (const what of clear) flags.push('--clear', what);
  for (const value of config.cmd ?? []) flags.push('--config.cmd', value);
  for (const value of config.entrypoint ?? []) flags.push('--config.entrypoint', value);
  for (const value of config.env ?? []) flags.push('--config.env', value);
  for (const value of config.exposedPorts ?? []) flags.push('--config.exposedports', value);
  for (const [key, value] of Object.entries(config.labels ?? {})) flags.push('--config.label', `${key}=${value}`);
  if (config.workingDir) flags.push('--config.workingdir', config.workingDir);
  if (config.architecture) flags.push('--architecture', config.architecture);
  if (config.os) flags.push('--os', config.os);
  return flags;
}

export interface PushOptions {
  /** Manifest format in the registry: OCI (default) or Docker schema 2 (`--format v2s2`). */
  format?: 'oci' | 'v2s2';
  /** Basic credentials (htpasswd registry, or the token server's); default the registry's first user. */
  credentials?: Credentials | null;
  /** Copy every image of an index (multi-arch); default true when the tag is an index. */
  all?: boolean;
}

/**
 * `skopeo copy oci:LAYOUT:TAG docker://REGISTRY/REPO:TAG`, run inside the registry's namespace.
 * `target` is "repo/name:tag" (no registry part). Returns the pushed manifest's digest.
 */
export async function pushImage(layout: OciLayout, tag: string, registry: TestRegistry, target: string, options: PushOptions = {}): Promise<string> {
  checkTag(tag);
  if (!/^[a-z0-9]+(?:[._/-][a-z0-9]+)*:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(target)) throw new Error(`bad push target ${target}`);
  const work = await mkdtemp(join(tmpdir(), 'conet-push-'));
  try {
    const argv = ['nsenter', `--net=${registry.netns}`, '--', 'skopeo', 'copy', '--retry-times', '2', '--digestfile', join(work, 'digest')];
    const credentials = options.credentials === undefined ? registry.users[0] : options.credentials;
    if (credentials) {
      const authFile = join(work, 'auth.json');
      const auth = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
      await writeFile(authFile, JSON.stringify({ auths: { [registry.address]: { auth } } }), { mode: 0o600 });
      argv.push('--dest-authfile', authFile);
    }
    if (registry.caFile) {
      await mkdir(join(work, 'certs'), { mode: 0o700 });
      await copyFile(registry.caFile, join(work, 'certs', 'ca.crt'));
      argv.push('--dest-cert-dir', join(work, 'certs'), '--dest-tls-verify=true');
    } else argv.push('--dest-tls-verify=false');
    if (options.format === 'v2s2') argv.push('--format', 'v2s2');
    const isIndex = (await layout.descriptor(tag)).mediaType === 'application/vnd.oci.image.index.v1+json';
    if (options.all ?? isIndex) argv.push('--all');
    argv.push(`oci:${layout.layout}:${tag}`, `docker://${registry.address}/${target}`);
    await run(argv, { timeoutMs: 300_000, env: { ...process.env, TMPDIR: work } });
    return (await readFile(join(work, 'digest'), 'utf8')).trim();
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * The seed's stand-ins as layout tags, both on one busybox base layer:
 * `nginx-1.9.1`: busybox httpd serving NGINX_PAGE on 80, EXPOSE 80 443;
 * `webapp`: `python app.py` (python is a busybox sh script) serving "Hello world!" on 5000, EXPOSE 5000.
 */
export async function buildStandIns(layout: OciLayout): Promise<{ base: string; nginx: string; webapp: string }> {
  await layout.image('busybox-base', { layers: [{ kind: 'busybox' }], config: { cmd: ['sh'], env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] } });
  await layout.image('nginx-1.9.1', {
    from: 'busybox-base',
    layers: [{ kind: 'files', files: { 'var/www/index.html': NGINX_PAGE } }],
    config: { cmd: ['httpd', '-f', '-p', '80', '-h', '/var/www'], exposedPorts: ['80/tcp', '443/tcp'] },
  });
  await layout.image('webapp', {
    from: 'busybox-base',
    layers: [{ kind: 'files', files: WEBAPP_FILES }],
    config: { cmd: ['python', 'app.py'], workingDir: '/opt/webapp', exposedPorts: ['5000/tcp'] },
  });
  return { base: 'busybox-base', nginx: 'nginx-1.9.1', webapp: 'webapp' };
}

/** The references the seed's commands name, each with the layout tag it is pushed from. */
export const STAND_IN_REFERENCES: ReadonlyArray<{ target: string; tag: keyof Awaited<ReturnType<typeof buildStandIns>> }> = [
  { target: 'library/nginx:1.9.1', tag: 'nginx' },
  { target: 'library/nginx:latest', tag: 'nginx' },
  { target: 'training/webapp:latest', tag: 'webapp' },
  { target: 'library/ubuntu:14.04', tag: 'base' },
  { target: 'library/busybox:latest', tag: 'base' },
];

/**
 * Builds the stand-ins in a layout of its own and pushes them under the names the seed uses
 * (Docker Hub's `library/` for official images), as a mirror of Docker Hub would hold them.
 * Returns each target's manifest digest.
 */
export async function pushStandIns(registry: TestRegistry, options: PushOptions = {}): Promise<Map<string, string>> {
  const layout = await OciLayout.create();
  try {
    const tags = await buildStandIns(layout);
    const digests = new Map<string, string>();
    for (const { target, tag } of STAND_IN_REFERENCES) digests.set(target, await pushImage(layout, tags[tag], registry, target, options));
    return digests;
  } finally {
    await layout.dispose();
  }
}

/**
 * The benchmark's pair: `first` = a busybox layer then `layers - 1` random layers (totalBytes
 * spread over them), `second` = the same first `shared` layers then new random ones, so the two
 * manifests have `shared` layer digests in common. Both run (`sh`).
 */
export async function buildLayeredPair(layout: OciLayout, spec: { layers?: number; shared?: number; totalBytes: number; first?: string; second?: string }): Promise<{ first: string; second: string }> {
  const layers = spec.layers ?? 5;
  const shared = spec.shared ?? layers - 1;
  if (layers < 2 || shared < 1 || shared >= layers) throw new Error('buildLayeredPair: need 1 <= shared < layers');
  const each = Math.floor(spec.totalBytes / (layers - 1));
  const random = (from: number, to: number, salt: string): LayerSpec[] =>
    Array.from({ length: to - from }, (_, index) => ({ kind: 'random' as const, bytes: each, path: `data/${salt}-layer${from + index}.bin` }));
  const first = spec.first ?? 'layered-first';
  const second = spec.second ?? 'layered-second';
  const common = `${first}-shared`;
  await layout.image(common, { layers: [{ kind: 'busybox' }, ...random(1, shared, 'shared')], config: { cmd: ['sh'], env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] } });
  await layout.image(first, { from: common, layers: random(shared, layers, 'first') });
  await layout.image(second, { from: common, layers: random(shared, layers, 'second') });
  return { first, second };
}

/**
 * training/webapp's files: `python` runs app.py with sh (whatever its arguments), and app.py
 * serves "Hello world!" on 5000 with busybox httpd (a CGI-less static page).
 */
const WEBAPP_FILES: Record<string, { content: string; mode: number }> = {
  'usr/local/bin/python': { content: '#!/bin/sh\n# stand-in: runs the script with sh\nexec /bin/sh "$@"\n', mode: 0o755 },
  'opt/webapp/app.py': { content: '# stand-in for the Flask app: serves "Hello world!" on 5000\nexec httpd -f -p 5000 -h /opt/webapp/www\n', mode: 0o644 },
  'opt/webapp/www/index.html': { content: WEBAPP_TEXT, mode: 0o644 },
};
