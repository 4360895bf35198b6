/**
 * GET /containers/{id}/logs: a plain streaming body (not hijacked), frames without a TTY, raw with
 * one. What is in the log file is read first so --tail can pick the last N lines; --follow then
 * keeps reading from where that stopped until the container exits or the client leaves.
 */
import { invalid } from '../../errors/index.js';
import type { OutputEntry } from '../../engine/containers/dependencies.js';
import { dockerTimestamp } from '../render/timestamp.js';
import { commonHeaders } from '../http.js';
import type { Router } from '../router.js';
import { MULTIPLEXED, RAW, flag, outputWriter } from '../stream-output.js';
import type { StreamRouteDeps } from './attach.js';

/** Docker's since/until: unix seconds with an optional fraction; 0 or absent means no bound. */
function bound(value: string | null, name: string): number | undefined {
  if (value === null || value === '' || value === '0') return undefined;
  const seconds = Number(value);
  if (!Number.isFinite(seconds)) throw invalid('logs-time', `invalid value for "${name}": ${value}`);
  return seconds * 1000;
}

/** The entries of the last `count` lines; a line ends with a record that is not partial. */
export function lastLines(entries: readonly OutputEntry[], count: number): OutputEntry[] {
  if (count <= 0) return [];
  let lines = 0;
  for (let index = entries.length - 1; index >= 0; index--) {
    const complete = entries[index]?.data.at(-1) === 0x0a;
    if (complete && index !== entries.length - 1) lines++;
    if (lines === count) return entries.slice(index + 1);
  }
  return entries.slice();
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

    const write = outputWriter(response, { tty, stdout, stderr });
    const send = (entry: OutputEntry): Promise<void> | undefined => {
      const time = Date.parse(entry.time);
      if ((since !== undefined && time < since) || (until !== undefined && time > until)) return undefined;
      return write(entry.stream, timestamps ? Buffer.concat([Buffer.from(`${dockerTimestamp(entry.time)} `), entry.data]) : entry.data);
    };
    // Only --tail needs the whole backlog in memory; otherwise entries stream as they are read.
    const all = tail === 'all' || tail === '';
    const backlog: OutputEntry[] = [];
    let live = all;
    const exited = follow ? containers.waiters.nextExit(container.id) : undefined;
    const reader = await streams.openOutput(container.id, containers.directoryOf(container.id), {
      from: 'start',
      onEntry: (entry) => {
        if (live) return send(entry);
        backlog.push(entry);
        return undefined;
      },
    });
    response.writeHead(200, { ...commonHeaders(), 'Content-Type': tty ? RAW : MULTIPLEXED });
    response.flushHeaders();
    await reader.readAvailable();
    for (const entry of all ? [] : lastLines(backlog, Number(tail))) await send(entry);
    live = true;
    if (exited) {
      reader.follow();
      const gone = new Promise<void>((resolve) => request.socket.once('close', () => resolve()));
      await Promise.race([exited, gone]);
    }
    await reader.stop();
    response.end();
  });
}
