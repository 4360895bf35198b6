/**
 * `logs --tail N` from the end: the files are read backwards in 64 KiB chunks, newest first, and
 * reading stops as soon as N lines are found. Memory is bounded by N lines (and one chunk), not
 * by the size of the log: the last line of a 50 MB log costs one read.
 */
import type { FileHandle } from 'node:fs/promises';
import { parseLogLine, type LogEntry } from './k8s-log.js';

const CHUNK = 64 * 1024;

export interface LogSegment {
  handle: FileHandle;
  /** Read [0, end): the live file up to where following will start. */
  end: number;
}

/** The records of one segment, newest first (complete records only: each ends with a newline). */
export async function* recordsBackwards(segment: LogSegment): AsyncGenerator<Buffer> {
  let position = segment.end;
  // The bytes after `position` whose line starts earlier (ends with a newline, or is empty).
  let carry = Buffer.alloc(0);
  while (position > 0) {
    const size = Math.min(CHUNK, position);
    position -= size;
    const chunk = Buffer.alloc(size);
    await segment.handle.read(chunk, 0, size, position);
    const data = Buffer.concat([chunk, carry]);
    const ends: number[] = [];
    for (let at = data.indexOf(0x0a); at >= 0; at = data.indexOf(0x0a, at + 1)) ends.push(at);
    const first = position === 0 ? 0 : 1;
    for (let index = ends.length - 1; index >= first; index--) {
      yield data.subarray(index === 0 ? 0 : (ends[index - 1] ?? 0) + 1, ends[index]);
    }
    carry = ends.length === 0 ? data : data.subarray(0, (ends[0] ?? 0) + 1);
  }
}

/** Where the complete records of the file end (a record conmon is still writing is left out). */
export async function completeEnd(handle: FileHandle, size: number): Promise<number> {
  const length = Math.min(CHUNK, size);
  const chunk = Buffer.alloc(length);
  await handle.read(chunk, 0, length, size - length);
  const last = chunk.lastIndexOf(0x0a);
  return last < 0 ? size - length : size - length + last + 1;
}

/**
 * The entries of the last `count` lines across the segments (newest segment first), in file
 * order. A line ends with a record that is not partial (conmon splits long lines into P records).
 */
export async function lastLineEntries(segments: readonly LogSegment[], count: number): Promise<LogEntry[]> {
  const collected: LogEntry[] = [];
  if (count <= 0) return collected;
  let lines = 0;
  for (const segment of segments) {
    for await (const record of recordsBackwards(segment)) {
      const entry = parseLogLine(record);
      if (!entry) continue;
      // The newest record starts the count even when partial (a line still being written).
      if (!entry.partial && collected.length > 0) lines++;
      if (lines === count) return collected.reverse();
      collected.push(entry);
    }
  }
  return collected.reverse();
}
