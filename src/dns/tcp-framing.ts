/**
 * DNS over TCP (RFC 1035 §4.2.2): every message is preceded by its length in two bytes. Pure:
 * `frame` prefixes one message; a TcpFrames reader takes the stream's chunks as they come and
 * gives back the complete messages, however the chunks split them. A reader given a maximum
 * length judges each message by its length prefix, so an oversized one is known (`tooLong`)
 * before its bytes arrive and is never buffered.
 */
export function frame(message: Buffer): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(message.length);
  return Buffer.concat([length, message]);
}

export class TcpFrames {
  private buffered = Buffer.alloc(0);
  /** A length prefix above the maximum arrived: the stream is to be dropped. */
  tooLong = false;

  constructor(private readonly maxLength = 0xffff) {}

  /** Adds a chunk; returns the messages it completed (possibly none, possibly several). */
  push(chunk: Buffer): Buffer[] {
    if (this.tooLong) return [];
    this.buffered = Buffer.concat([this.buffered, chunk]);
    const messages: Buffer[] = [];
    if (this.buffered.length >= 2 && this.buffered.readUInt16BE(0) > this.maxLength) return this.refuse(messages);
    while (this.buffered.length >= 2 && this.buffered.length >= 2 + this.buffered.readUInt16BE(0)) {
      const message = this.buffered.subarray(2, 2 + this.buffered.readUInt16BE(0));
      this.buffered = this.buffered.subarray(2 + message.length);
      messages.push(message);
      if (this.buffered.length >= 2 && this.buffered.readUInt16BE(0) > this.maxLength) return this.refuse(messages);
    }
    return messages;
  }

  private refuse(messages: Buffer[]): Buffer[] {
    this.tooLong = true;
    this.buffered = Buffer.alloc(0);
    return messages;
  }
}
