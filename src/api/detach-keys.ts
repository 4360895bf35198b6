/**
 * Detach keys (Docker's `--detach-keys`, default ctrl-p,ctrl-q): on a TTY attach, typing the
 * sequence detaches the client and leaves the container running. Pure: parsing, and a scanner
 * that passes every other byte through unchanged (a partial match is held back until the next
 * byte decides, then either completes the sequence or is let through).
 */
import { Transform, type TransformCallback } from 'node:stream';
import { invalid } from '../errors/index.js';

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

const CTRL_SPECIAL: Record<string, number> = { '@': 0, '[': 27, '\\': 28, ']': 29, '^': 30, _: 31 };

/** "ctrl-p,ctrl-q" -> <0x10 0x11>; "a,ctrl-\\" -> <0x61 0x1c>. An empty spec is the default. */
export function parseDetachKeys(spec: string): Buffer {
  const text = spec === '' ? DEFAULT_DETACH_KEYS : spec;
  const bytes: number[] = [];
  for (const key of text.split(',')) {
    const ctrl = /^ctrl-(.)$/i.exec(key);
    if (key.length === 1 && key.charCodeAt(0) < 128) bytes.push(key.charCodeAt(0));
    else if (ctrl?.[1] && /[a-z]/i.test(ctrl[1])) bytes.push(ctrl[1].toLowerCase().charCodeAt(0) - 96);
    else if (ctrl?.[1] && CTRL_SPECIAL[ctrl[1]] !== undefined) bytes.push(CTRL_SPECIAL[ctrl[1]] as number);
    else throw invalid('detach-keys', `Invalid detach keys (${text}) provided`);
  }
  return Buffer.from(bytes);
}

/** Passes stdin through until the detach sequence is typed; then emits 'detach' and ends. */
export class DetachScanner extends Transform {
  private matched = 0;
  private detached = false;

  constructor(private readonly keys: Buffer) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.detached) return done();
    const out: number[] = [];
    for (const byte of chunk) {
      // The held-back bytes plus this one: keep the longest tail that can still start the
      // sequence, let the rest through.
      const held = [...this.keys.subarray(0, this.matched), byte];
      let start = 0;
      while (start < held.length && !held.slice(start).every((value, index) => value === this.keys[index])) start += 1;
      out.push(...held.slice(0, start));
      this.matched = held.length - start;
      if (this.matched === this.keys.length) {
        this.detached = true;
        if (out.length > 0) this.push(Buffer.from(out));
        this.emit('detach');
        this.push(null);
        return done();
      }
    }
    if (out.length > 0) this.push(Buffer.from(out));
    done();
  }

  /** Input ended in the middle of a possible sequence: those bytes were typed, they go through. */
  override _flush(done: TransformCallback): void {
    if (!this.detached && this.matched > 0) this.push(this.keys.subarray(0, this.matched));
    done();
  }
}
