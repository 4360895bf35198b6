import { randomBytes } from 'node:crypto';

/** 64 hex characters, like Docker's object ids; never all digits, so a prefix can't read as a number. */
export function newId(): string {
  for (;;) {
    const id = randomBytes(32).toString('hex');
    if (/[a-f]/.test(id.slice(0, 12))) return id;
  }
}

/** RFC 3339 with nanoseconds, as Docker prints `Created`. */
export function timestamp(now: Date = new Date()): string {
  const nanos = process.hrtime.bigint() % 1_000_000n;
  const iso = now.toISOString(); // 2026-11-28T18:31:43.557Z
  return `${iso.slice(0, -1)}${nanos.toString().padStart(6, '0')}Z`;
}

export function shortId(id: string): string {
  return id.slice(0, 12);
}
