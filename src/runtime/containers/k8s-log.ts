/**
 * conmon's k8s-file log format, one record per line: `TIMESTAMP STREAM TAG TEXT` where TIMESTAMP
 * is RFC 3339 with nanoseconds and a numeric offset, STREAM is stdout|stderr and TAG is F (the
 * text ended with a newline, which is not written) or P (a partial line: conmon split a long line
 * or the process wrote without a newline). Concatenating text + "\n" for F and text for P gives
 * back the exact bytes the process wrote, which is what attach and logs must return.
 */
export interface LogEntry {
  /** As written by conmon (local offset). */
  time: string;
  stream: 'stdout' | 'stderr';
  partial: boolean;
  text: Buffer;
}

/** Parses one line (without its trailing newline); undefined for a line that is not a record. */
export function parseLogLine(line: Buffer): LogEntry | undefined {
  const first = line.indexOf(0x20);
  const second = first < 0 ? -1 : line.indexOf(0x20, first + 1);
  if (second < 0) return undefined;
  const stream = line.subarray(first + 1, second).toString('latin1');
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const tag = line[second + 1];
  if (tag !== 0x46 && tag !== 0x50) return undefined;
  // An empty F line ("... stdout F") has no space after the tag.
  const text = line.length > second + 2 ? line.subarray(second + 3) : Buffer.alloc(0);
  return { time: line.subarray(0, first).toString('latin1'), stream, partial: tag === 0x50, text };
}

/** The bytes the process wrote for this record. */
export function payloadOf(entry: LogEntry): Buffer {
  return entry.partial ? entry.text : Buffer.concat([entry.text, Buffer.from('\n')]);
}

/** Splits a chunk of the file into complete lines; the unfinished tail is returned as `rest`. */
export function splitLines(buffer: Buffer): { lines: Buffer[]; rest: Buffer } {
  const lines: Buffer[] = [];
  let start = 0;
  for (let at = buffer.indexOf(0x0a); at >= 0; at = buffer.indexOf(0x0a, start)) {
    lines.push(buffer.subarray(start, at));
    start = at + 1;
  }
  return { lines, rest: buffer.subarray(start) };
}

/** Milliseconds since the epoch (Docker's since/until are compared at this precision). */
export function timeOf(entry: LogEntry): number {
  return Date.parse(entry.time);
}
