/**
 * A minimal ustar writer for tests that need archives no honest tool would make: entries through
 * symlinks, `..`, absolute names, hardlinks and device nodes, in exactly the order given.
 */
import { createHash } from 'node:crypto';

export interface TarEntry {
  name: string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';
  data?: string | Buffer;
  linkname?: string;
  mode?: number;
  devmajor?: number;
  devminor?: number;
}

const TYPE_FLAGS = { file: '0', hardlink: '1', symlink: '2', char: '3', block: '4', dir: '5', fifo: '6' } as const;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(entry: TarEntry, size: number): Buffer {
  const block = Buffer.alloc(512);
  const type = entry.type ?? 'file';
  block.write(entry.name, 0, 100, 'utf8');
  block.write(octal(entry.mode ?? (type === 'dir' ? 0o755 : 0o644), 8), 100, 'ascii');
  block.write(octal(0, 8), 108, 'ascii');
  block.write(octal(0, 8), 116, 'ascii');
  block.write(octal(size, 12), 124, 'ascii');
  block.write(octal(1_600_000_000, 12), 136, 'ascii');
  block.write('        ', 148, 'ascii');
  block.write(TYPE_FLAGS[type], 156, 'ascii');
  block.write(entry.linkname ?? '', 157, 100, 'utf8');
  block.write('ustar\0' + '00', 257, 'ascii');
  block.write(octal(entry.devmajor ?? 0, 8), 329, 'ascii');
  block.write(octal(entry.devminor ?? 0, 8), 337, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

/** The archive's bytes: each entry's header and data, padded to 512, then two zero blocks. */
export function tarOf(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const data = entry.type === undefined || entry.type === 'file' ? Buffer.from(entry.data ?? '') : Buffer.alloc(0);
    parts.push(header(entry, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

export interface SaveImage {
  tag: string;
  layers: Buffer[];
  config?: Record<string, unknown>;
  /** Overrides the manifest's paths (an attack on the outer archive). */
  manifestConfig?: string;
  manifestLayers?: string[];
}

/** A `docker save` archive of one image: manifest.json, the config named by its digest, layer tars. */
export function saveArchiveOf(image: SaveImage, extra: readonly TarEntry[] = []): Buffer {
  const config = JSON.stringify({
    architecture: 'amd64', os: 'linux', created: '2020-01-01T00:00:00Z',
    config: { Cmd: ['sh'], Env: ['PATH=/bin'], ...image.config },
    rootfs: { type: 'layers', diff_ids: image.layers.map((layer) => `sha256:${sha256(layer)}`) },
  });
  const configName = `${sha256(config)}.json`;
  const layerNames = image.layers.map((_, index) => `l${index}/layer.tar`);
  const manifest = JSON.stringify([{ Config: image.manifestConfig ?? configName, RepoTags: image.tag ? [image.tag] : [], Layers: image.manifestLayers ?? layerNames }]);
  return tarOf([
    { name: 'manifest.json', data: manifest },
    { name: configName, data: config },
    ...image.layers.flatMap((layer, index) => [{ name: `l${index}/`, type: 'dir' as const }, { name: layerNames[index]!, data: layer }]),
    ...extra,
  ]);
}
