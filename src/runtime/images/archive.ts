/**
 * Tar archives through Debian's GNU tar (argv only). Layers are applied the way Docker's
 * overlay/aufs whiteouts define: `.wh.NAME` deletes NAME from the layers below, `.wh..wh..opq`
 * empties its directory; both are resolved before the layer's own files land, and never extracted.
 */
import { rm, readdir } from 'node:fs/promises';
import { join, normalize, dirname, basename } from 'node:path';
import type { Readable } from 'node:stream';
import { run, runWithStdin } from '../../exec/index.js';
import { invalid } from '../../errors/index.js';

const TAR_FLAGS = ['--numeric-owner', '--same-owner', '--preserve-permissions', '--no-overwrite-dir', '--delay-directory-restore'];

export async function extractStream(input: Readable, directory: string, options: { tap?: (chunk: Buffer) => void } = {}): Promise<void> {
  await runWithStdin(['tar', '-x', '-f', '-', '-C', directory, ...TAR_FLAGS], input, options.tap ? { tap: options.tap } : {});
}

export async function extractFile(file: string, directory: string, extra: readonly string[] = []): Promise<void> {
  await run(['tar', '-x', '-f', file, '-C', directory, ...TAR_FLAGS, ...extra], { timeoutMs: 300_000 });
}

export async function listArchive(file: string): Promise<string[]> {
  const { stdout } = await run(['tar', '-t', '-f', file], { timeoutMs: 120_000 });
  return stdout.split('\n').filter(Boolean);
}

export type Whiteout = { kind: 'delete'; path: string } | { kind: 'opaque'; directory: string };

/** Pure: the whiteouts in a layer's entry list, as paths relative to the rootfs. */
export function whiteoutsOf(entries: readonly string[]): Whiteout[] {
  const found: Whiteout[] = [];
  for (const entry of entries) {
    const path = normalize(entry.replace(/^\.?\/+/, '')).replace(/\/$/, '');
    const name = basename(path);
    if (!name.startsWith('.wh.')) continue;
    const parent = dirname(path) === '.' ? '' : dirname(path);
    if (name === '.wh..wh..opq') found.push({ kind: 'opaque', directory: parent });
    else found.push({ kind: 'delete', path: join(parent, name.slice('.wh.'.length)) });
  }
  return found;
}

function inside(rootfs: string, relative: string): string {
  const target = join(rootfs, relative);
  if (relative.split('/').includes('..') || !target.startsWith(rootfs)) throw invalid('bad-archive', `whiteout escapes the rootfs: ${relative}`);
  return target;
}

/** Applies one docker-save layer tar on top of `rootfs`. */
export async function applyLayer(layerTar: string, rootfs: string): Promise<void> {
  for (const whiteout of whiteoutsOf(await listArchive(layerTar))) {
    if (whiteout.kind === 'delete') {
      await rm(inside(rootfs, whiteout.path), { recursive: true, force: true });
    } else {
      const directory = inside(rootfs, whiteout.directory);
      // The directory is not in the lower layers: nothing to make opaque.
      const names = await readdir(directory).catch(() => [] as string[]);
      for (const name of names) await rm(join(directory, name), { recursive: true, force: true });
    }
  }
  await extractFile(layerTar, rootfs, ['--wildcards', '--exclude=.wh.*', '--exclude=*/.wh.*']);
}
