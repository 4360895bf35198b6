import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { DNS_LIMITS } from './limits.js';
import { frame } from './tcp-framing.js';
import { serveTcpSession, type TcpConnection, type Timers } from './tcp-session.js';

/** A clock that only moves when told to. */
class FakeClock implements Timers {
  now = 0;
  private timers = new Map<number, { at: number; callback: () => void }>();
  private next = 0;
  setTimeout(callback: () => void, ms: number): unknown {
    this.next += 1;
    this.timers.set(this.next, { at: this.now + ms, callback });
    return this.next;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, timer]) => timer.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.now = due[1].at;
      due[1].callback();
    }
    this.now = until;
  }
  get pending(): number {
    return this.timers.size;
  }
}

class FakeSocket extends EventEmitter implements TcpConnection {
  written: Buffer[] = [];
  destroyed = false;
  writableLength = 0;
  write(data: Buffer): boolean {
    this.written.push(data);
    return true;
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('close');
  }
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function session(answer: (query: Buffer) => Promise<Buffer | undefined> = async (query) => Buffer.concat([Buffer.from('re:'), query])) {
  const clock = new FakeClock();
  const socket = new FakeSocket();
  let closes = 0;
  serveTcpSession(socket, { limits: DNS_LIMITS, answer, onClose: () => (closes += 1), timers: clock });
  return { clock, socket, closes: () => closes };
}

test('tcp session: a one-byte trickle ends at the idle limit, a partial frame is no activity', () => {
  const { clock, socket, closes } = session();
  const message = frame(Buffer.alloc(40, 1));
  for (let second = 0; second < 4; second += 1) {
    socket.emit('data', message.subarray(second, second + 1));
    clock.advance(1_000);
  }
  assert.equal(socket.destroyed, false);
  socket.emit('data', message.subarray(4, 5));
  clock.advance(1_000);
  assert.equal(socket.destroyed, true, 'closed 5 s after it opened, bytes or not');
  assert.equal(clock.now, 5_000);
  assert.equal(closes(), 1);
  assert.equal(clock.pending, 0, 'timers cleared');
});

test('tcp session: complete queries keep it alive, until the whole-connection deadline', async () => {
  const { clock, socket, closes } = session();
  for (let second = 0; second < 9; second += 1) {
    socket.emit('data', frame(Buffer.from(`q${second}`)));
    clock.advance(1_000);
  }
  await flush();
  assert.equal(socket.written.length, 9);
  assert.deepEqual(socket.written[0], frame(Buffer.from('re:q0')));
  assert.equal(socket.destroyed, false);
  clock.advance(1_000);
  assert.equal(socket.destroyed, true, 'the 10 s deadline holds even for a busy connection');
  assert.equal(closes(), 1);
});

test('tcp session: an oversized frame, a stranger, or a client that never reads end it', async () => {
  const oversized = session();
  oversized.socket.emit('data', Buffer.from([0x10, 0x01]));
  assert.equal(oversized.socket.destroyed, true, 'a 4 KiB+ query is refused from its length prefix');

  const stranger = session(async () => undefined);
  stranger.socket.emit('data', frame(Buffer.from('q')));
  await flush();
  assert.equal(stranger.socket.destroyed, true);

  const reader = session();
  reader.socket.writableLength = DNS_LIMITS.maxTcpBacklogBytes + 1;
  reader.socket.emit('data', frame(Buffer.from('q')));
  await flush();
  assert.equal(reader.socket.destroyed, true);
  assert.equal(reader.socket.written.length, 0);
});

test('tcp session: pipelined queries in one chunk are each answered; close is reported once', async () => {
  const { socket, closes } = session();
  socket.emit('data', Buffer.concat([frame(Buffer.from('a')), frame(Buffer.from('b'))]));
  await flush();
  assert.deepEqual(socket.written, [frame(Buffer.from('re:a')), frame(Buffer.from('re:b'))]);
  socket.emit('error');
  socket.emit('close');
  assert.equal(closes(), 1);
});
