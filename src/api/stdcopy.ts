/**
 * Docker's multiplexed stream format for non-TTY attach, logs and exec: each chunk is framed by an
 * 8-byte header [stream, 0, 0, 0, size (uint32 big-endian)], stream 0 stdin, 1 stdout, 2 stderr.
 */
export type StreamId = 0 | 1 | 2;

export function frame(stream: StreamId, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** Splits a multiplexed byte stream back into frames (for tests and for the client). */
export class Demultiplexer {
  private pending = Buffer.alloc(0);

  push(chunk: Buffer): Array<{ stream: StreamId; payload: Buffer }> {
    this.pending = Buffer.concat([this.pending, chunk]);
    const frames: Array<{ stream: StreamId; payload: Buffer }> = [];
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      frames.push({ stream: (this.pending[0] ?? 1) as StreamId, payload: this.pending.subarray(8, 8 + size) });
      this.pending = this.pending.subarray(8 + size);
    }
    return frames;
  }
}
