/**
 * A minimal tar writer for `docker save`: directories and regular files with fixed metadata (root,
 * mode 0644/0755, mtime 0), POSIX ustar headers, names under 100 bytes (the archive's own names:
 * `blobs/sha256/<hex>`, `manifest.json`, …). Contents stream from files, never held in memory.
 * Sizes above ustar's 8 GiB octal field use the GNU base-256 form, as GNU tar and Go's archive/tar.
 */
import { createReadStream } from 'node:fs';

export type TarEntry = { kind: 'dir'; name: string } | { kind: 'file'; name: string; size: number; file: string } | { kind: 'data'; name: string; data: Buffer };

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function sizeField(header: Buffer, size: number): void {
  if (size < 8 ** 11) {
    header.write(octal(size, 12), 124, 'ascii');
    return;
  }
  header[124] = 0x80;
  let rest = BigInt(size);
  for (let at = 135; at > 124; at -= 1) {
    header[at] = Number(rest & 0xffn);
    rest >>= 8n;
  }
}

/** The 512-byte ustar header of one entry. */
export function tarHeader(name: string, kind: 'dir' | 'file', size: number): Buffer {
  if (Buffer.byteLength(name) >= 100) throw new Error(`tar entry name too long: ${name}`);
  const header = Buffer.alloc(512);
  header.write(name, 0, 'utf8');
  header.write(octal(kind === 'dir' ? 0o755 : 0o644, 8), 100, 'ascii');
  header.write(octal(0, 8), 108, 'ascii');
  header.write(octal(0, 8), 116, 'ascii');
  sizeField(header, kind === 'dir' ? 0 : size);
  header.write(octal(0, 12), 136, 'ascii');
  header.write('        ', 148, 'ascii');
  header.write(kind === 'dir' ? '5' : '0', 156, 'ascii');
  header.write('ustar\u000000', 257, 'ascii');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return header;
}

const padding = (size: number): Buffer => Buffer.alloc((512 - (size % 512)) % 512);

/** The archive's bytes, entry by entry, ending with two zero blocks. */
export async function* tarStream(entries: Iterable<TarEntry>): AsyncGenerator<Buffer> {
  for (const entry of entries) {
    if (entry.kind === 'dir') {
      yield tarHeader(entry.name.endsWith('/') ? entry.name : `${entry.name}/`, 'dir', 0);
      continue;
    }
    const size = entry.kind === 'data' ? entry.data.length : entry.size;
    yield tarHeader(entry.name, 'file', size);
    let written = 0;
    if (entry.kind === 'data') {
      yield entry.data;
      written = entry.data.length;
    } else if (size > 0) {
      for await (const chunk of createReadStream(entry.file, { end: size - 1 })) {
        written += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    }
    if (written !== size) throw new Error(`tar entry ${entry.name}: ${written} bytes, expected ${size}`);
    yield padding(size);
  }
  yield Buffer.alloc(1024);
}
