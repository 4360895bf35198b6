/**
 * How far a process has read the files it holds open under one directory: each /proc/PID/fd link
 * resolving inside `dir`, with the `pos:` of its /proc/PID/fdinfo entry. A push's progress reads
 * skopeo's offset in each layer blob it uploads (skopeo prints no machine-readable progress).
 * A process or descriptor that goes away between the reads is simply not listed.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';

/** `pos:` of an fdinfo text, or undefined. */
export function fdinfoPosition(text: string): number | undefined {
  const match = /^pos:\s+(\d+)$/m.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** File path -> the largest offset any descriptor of `pid` has in it, for files under `dir`. */
export async function openFileOffsets(pid: number, dir: string): Promise<Map<string, number>> {
  const offsets = new Map<string, number>();
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  // The process ended: it holds nothing.
  const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
  for (const fd of fds) {
    // A descriptor closed since readdir: skipped.
    const target = await readlink(join(`/proc/${pid}/fd`, fd)).catch(() => undefined);
    if (target === undefined || !target.startsWith(prefix)) continue;
    // Closed between the two reads: no offset, skipped.
    const pos = fdinfoPosition(await readFile(join(`/proc/${pid}/fdinfo`, fd), 'utf8').catch(() => ''));
    if (pos !== undefined) offsets.set(target, Math.max(pos, offsets.get(target) ?? 0));
  }
  return offsets;
}
