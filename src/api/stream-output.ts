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

/**
 * The returned function answers a promise when the client is slower than the container: the
 * caller waits for it (drain, or the client leaving) instead of buffering a whole log in memory.
 */
export function outputWriter(sink: Writable, choice: OutputChoice): (stream: 'stdout' | 'stderr', data: Buffer) => Promise<void> | undefined {
  return (stream, data) => {
    if (data.length === 0 || sink.destroyed || sink.writableEnded) return undefined;
    if (stream === 'stdout' ? !choice.stdout : !choice.stderr) return undefined;
    if (sink.write(choice.tty ? data : frame(stream === 'stdout' ? 1 : 2, data))) return undefined;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        sink.off('drain', done);
        sink.off('close', done);
        resolve();
      };
      sink.on('drain', done);
      sink.on('close', done);
    });
  };
}

export const flag = (value: string | null): boolean => value === '1' || value === 'true' || value === 'True';

export const MULTIPLEXED = 'application/vnd.docker.multiplexed-stream';
export const RAW = 'application/vnd.docker.raw-stream';
