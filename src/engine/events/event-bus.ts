/**
 * The daemon's event bus: what `docker events` (GET /events) streams.
 *
 * Emit API (the only call producers need):
 *
 *   bus.emit(type, action, actor)
 *     type:   'container' | 'network' | 'image' | 'volume' | 'daemon'
 *     action: Docker's word: 'create', 'start', 'die', 'destroy', 'connect', 'mount',
 *             'health_status: healthy', …
 *     actor:  { id, attributes }: the object's id (a volume's name) and string attributes
 *             (containers: containerActor() in actors.ts gives name, image and the labels).
 *
 * Containers: `ContainerService.emit(container, action, extra)` fills the actor (e.g.
 * `containers.emit(c, 'health_status: healthy')`, `containers.emit(c, 'rename', { oldName })`).
 * Volumes: take an `EventSink` in your deps (wire-engine passes `events`) and call
 * `bus.emit('volume', 'create', { id: name, attributes: { driver: 'local' } })`; mount/unmount
 * carry `container`, `destination`, `read/write` (and `propagation`) as Docker's do.
 * Producers hold an `EventSink` (just emit); a missing sink means no events (unit tests).
 * Every event is stamped once (time in seconds, timeNano strictly increasing) and kept in a
 * ring buffer of the last BUFFER_SIZE events, which `--since` replays. Each subscriber gets a
 * bounded queue: one that falls QUEUE_LIMIT events behind is closed (the API ends its stream),
 * so a slow client never grows the daemon's memory.
 */

export type EventType = 'container' | 'network' | 'image' | 'volume' | 'daemon';

export interface EventActor {
  id: string;
  attributes?: Readonly<Record<string, string>>;
}

export interface EngineEvent {
  type: EventType;
  action: string;
  actor: { id: string; attributes: Readonly<Record<string, string>> };
  /** Nanoseconds since the epoch, strictly increasing within this daemon. */
  timeNano: bigint;
}

export interface EventSink {
  emit(type: EventType, action: string, actor: EventActor): void;
}

export const BUFFER_SIZE = 1024;
export const QUEUE_LIMIT = 4096;

export interface SubscribeOptions {
  /** Replay buffered events at or after this time (ns); absent: live events only. */
  since?: bigint;
  /** Replayed events after this time (ns) are left out. */
  until?: bigint;
  filter?: (event: EngineEvent) => boolean;
  queueLimit?: number;
}

/** One client's view: buffered replay first, then live events, in order. */
export class EventSubscription {
  private readonly queue: EngineEvent[] = [];
  private wake: (() => void) | undefined;
  /** Why it ended: the client left ('closed') or fell too far behind ('overflow'). */
  ended: 'closed' | 'overflow' | undefined;
  private finish: () => void = () => undefined;
  /** Settles when the subscription ends (for a writer waiting on a slow client). */
  readonly done = new Promise<void>((resolve) => (this.finish = resolve));

  constructor(
    replay: EngineEvent[],
    private readonly limit: number,
    private readonly detach: () => void,
  ) {
    this.queue.push(...replay);
  }

  /** Called by the bus for each live event that passed the filter. */
  push(event: EngineEvent): void {
    if (this.ended) return;
    if (this.queue.length >= this.limit) return this.close('overflow');
    this.queue.push(event);
    this.signal();
  }

  /** Events queued now, without waiting (the replay, before any live event). */
  drain(): EngineEvent[] {
    return this.queue.splice(0);
  }

  /** The next event, or undefined once ended (queued events are given out first). */
  async next(): Promise<EngineEvent | undefined> {
    while (this.queue.length === 0 && !this.ended) await new Promise<void>((resolve) => (this.wake = resolve));
    return this.ended === 'overflow' ? undefined : this.queue.shift();
  }

  close(reason: 'closed' | 'overflow' = 'closed'): void {
    if (this.ended) return;
    this.ended = reason;
    this.queue.length = reason === 'overflow' ? 0 : this.queue.length;
    this.detach();
    this.signal();
    this.finish();
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

export class EventBus implements EventSink {
  private readonly buffer: EngineEvent[] = [];
  private readonly subscribers = new Map<EventSubscription, (event: EngineEvent) => boolean>();
  private last = 0n;

  constructor(
    private readonly now: () => bigint = nowNano,
    private readonly bufferSize = BUFFER_SIZE,
  ) {}

  emit(type: EventType, action: string, actor: EventActor): void {
    const stamp = this.now();
    this.last = stamp > this.last ? stamp : this.last + 1n;
    const event: EngineEvent = { type, action, actor: { id: actor.id, attributes: { ...actor.attributes } }, timeNano: this.last };
    this.buffer.push(event);
    if (this.buffer.length > this.bufferSize) this.buffer.shift();
    for (const [subscription, filter] of this.subscribers) if (filter(event)) subscription.push(event);
  }

  subscribe(options: SubscribeOptions = {}): EventSubscription {
    const filter = options.filter ?? (() => true);
    const replay = options.since === undefined && options.until === undefined ? [] : this.buffer.filter((event) => replayed(event, options) && filter(event));
    const subscription: EventSubscription = new EventSubscription(replay, options.queueLimit ?? QUEUE_LIMIT, () => this.subscribers.delete(subscription));
    this.subscribers.set(subscription, filter);
    return subscription;
  }

  /** Subscribers now (a closed client must not stay here). */
  get subscriberCount(): number {
    return this.subscribers.size;
  }
}

function replayed(event: EngineEvent, options: SubscribeOptions): boolean {
  if (options.since !== undefined && event.timeNano < options.since) return false;
  return options.until === undefined || event.timeNano <= options.until;
}

let lastNow = 0n;

/** The wall clock in nanoseconds (sub-millisecond digits from the monotonic clock), never going back within this process. */
export function nowNano(): bigint {
  const now = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
  lastNow = now > lastNow ? now : lastNow + 1n;
  return lastNow;
}
