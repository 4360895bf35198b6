/**
 * GET /containers/{id}/logs: a plain streaming body (not hijacked), frames without a TTY, raw with
 * one. What is in the log files is read first (--tail N: only the last N lines, read backwards from
 * the end); --follow then keeps reading from where that stopped until the container exits or the
 * client leaves.
 */
import { invalid } from '../../errors/index.js';
import type { OutputEntry } from '../../engine/containers/dependencies.js';
import { whenAborted } from '../../engine/containers/waiters.js';
import { dockerTimestamp, timestampNanos } from '../render/timestamp.js';
import { commonHeaders } from '../http.js';
import type { Router } from '../router.js';
import { MULTIPLEXED, RAW, flag, outputWriter } from '../stream-output.js';
import type { StreamRouteDeps } from './attach.js';

/**
 * Docker's since/until: unix seconds with an optional fraction (the CLI sends nanoseconds); 0 or
 * absent means no bound. Compared in nanoseconds, so `--since` a line's own timestamp includes it.
 */
function bound(value: string | null, name: string): bigint | undefined {
  if (value === null || value === '' || value === '0') return undefined;
  const match = /^(\d{1,12})(?:\.(\d{1,9}))?$/.exec(value);
  if (!match) throw invalid('logs-time', `invalid value for "${name}": ${value}`);
  return BigInt(match[1] ?? '0') * 1_000_000_000n + BigInt((match[2] ?? '').padEnd(9, '0'));
}

export function logRoutes(router: Router, deps: StreamRouteDeps): void {
  const { containers, streams } = deps;

  router.add('GET', '/containers/{id}/logs', async ({ request, response, params, query }) => {
    const container = containers.get(params['id'] ?? '');
    const stdout = flag(query.get('stdout'));
    const stderr = flag(query.get('stderr'));
    if (!stdout && !stderr) throw invalid('logs-streams', 'Bad parameters: you must choose at least one stream');
    const since = bound(query.get('since'), 'since');
    const until = bound(query.get('until'), 'until');
    const tail = query.get('tail') ?? 'all';
    if (tail !== 'all' && tail !== '' && !/^\d+$/.test(tail)) throw invalid('logs-tail', `invalid value for "tail": ${tail}`);
    const timestamps = flag(query.get('timestamps'));
    const follow = flag(query.get('follow')) && container.state.status === 'running';
    const tty = container.config.tty;
    // The client leaving frees what waits for it (the exit waiter), not only the stream.
    const gone = new AbortController();
    response.once('close', () => gone.abort());

    const write = outputWriter(response, { tty, stdout, stderr });
    const send = (entry: OutputEntry): Promise<void> | undefined => {
      const time = since !== undefined || until !== undefined ? timestampNanos(entry.time) : undefined;
      if (time !== undefined && ((since !== undefined && time < since) || (until !== undefined && time > until))) return undefined;
      return write(entry.stream, timestamps ? Buffer.concat([Buffer.from(`${dockerTimestamp(entry.time)} `), entry.data]) : entry.data);
    };
    // --tail reads the files backwards from their end (memory bounded by the lines asked for).
    const all = tail === 'all' || tail === '';
    const exited = follow ? containers.waiters.nextExit(container.id, gone.signal) : undefined;
    const reader = await streams.openOutput(container.id, containers.directoryOf(container.id), {
      ...(all ? { from: 'start' as const } : { from: 'end' as const, tail: Number(tail) }),
      onEntry: send,
    });
    response.writeHead(200, { ...commonHeaders(), 'Content-Type': tty ? RAW : MULTIPLEXED });
    response.flushHeaders();
    await reader.readAvailable();
    if (exited) {
      reader.follow();
      await Promise.race([exited, whenAborted(gone.signal)]);
    }
    await reader.stop();
    response.end();
  });
}
