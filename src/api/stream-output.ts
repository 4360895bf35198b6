/**
 * How container output goes on the wire: raw bytes for a TTY (one stream, nothing to tell apart),
 * otherwise Docker's 8-byte multiplexed frames (stdcopy) so the client can split stdout/stderr.
 */
import type { Writable } from 'node:stream';
import { frame } from './stdcopy.js';

export interface OutputChoice {
  tty: boolean;
  stdout: boolean;
  stderr: boolean;
}

export function outputWriter(sink: Writable, choice: OutputChoice): (stream: 'stdout' | 'stderr', data: Buffer) => void {
  return (stream, data) => {
    if (data.length === 0 || sink.destroyed || sink.writableEnded) return;
    if (stream === 'stdout' ? !choice.stdout : !choice.stderr) return;
    sink.write(choice.tty ? data : frame(stream === 'stdout' ? 1 : 2, data));
  };
}

export const flag = (value: string | null): boolean => value === '1' || value === 'true' || value === 'True';

export const MULTIPLEXED = 'application/vnd.docker.multiplexed-stream';
export const RAW = 'application/vnd.docker.raw-stream';
