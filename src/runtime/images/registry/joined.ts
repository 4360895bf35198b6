/**
 * Pulls of one image at the same time are one pull, as in Docker: a second `docker pull nginx`
 * (same reference, platform and credentials) joins the running one, gets the progress sent so far
 * replayed, then the rest as it comes, and the same result. The pull is cancelled only when every
 * client that joined it has gone (its AbortSignal fired), never because one of several left.
 */
import { createHash } from 'node:crypto';
import type { ImageRecord } from '../../../model/image.js';
import type { PullEvent, PullRequest } from '../../../model/registry.js';

export type PullFn = (request: PullRequest, emit: (event: PullEvent) => void, signal: AbortSignal) => Promise<ImageRecord>;

/** Progress kept for late joiners; a pull has a few lines per layer and percent, far below this. */
const MAX_REPLAY = 20_000;

interface Shared {
  events: PullEvent[];
  clients: Set<(event: PullEvent) => void>;
  cancel: AbortController;
  result: Promise<ImageRecord>;
}

export function pullKey(request: PullRequest): string {
  const auth = createHash('sha256').update(JSON.stringify(request.auth ?? {})).digest('hex');
  const platform = request.platform ? `${request.platform.os}/${request.platform.architecture}/${request.platform.variant ?? ''}` : '';
  const { domain, path, tag, digest } = request.reference;
  return `${domain}/${path}:${tag ?? ''}@${digest ?? ''}|${platform}|${auth}`;
}

export class JoinedPulls {
  private readonly running = new Map<string, Shared>();

  constructor(private readonly pullOnce: PullFn) {}

  pull(request: PullRequest, emit: (event: PullEvent) => void, signal: AbortSignal): Promise<ImageRecord> {
    const key = pullKey(request);
    const shared = this.running.get(key) ?? this.open(key, request);
    for (const event of shared.events) emit(event);
    shared.clients.add(emit);
    const leave = (): void => {
      shared.clients.delete(emit);
      if (shared.clients.size === 0) shared.cancel.abort();
    };
    if (signal.aborted) leave();
    else signal.addEventListener('abort', leave, { once: true });
    return shared.result.finally(() => signal.removeEventListener('abort', leave));
  }

  private open(key: string, request: PullRequest): Shared {
    const shared: Shared = { events: [], clients: new Set(), cancel: new AbortController(), result: Promise.resolve(undefined as unknown as ImageRecord) };
    const broadcast = (event: PullEvent): void => {
      if (shared.events.length < MAX_REPLAY) shared.events.push(event);
      for (const client of shared.clients) client(event);
    };
    shared.result = this.pullOnce(request, broadcast, shared.cancel.signal).finally(() => this.running.delete(key));
    this.running.set(key, shared);
    return shared;
  }
}
