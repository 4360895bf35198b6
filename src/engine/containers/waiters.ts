/**
 * Who waits for a container to exit or go away (`docker wait`, `run`, logs -f, attach, stop, rm
 * -f). A waiter for a client passes its AbortSignal (aborted when the client leaves): it is then
 * dropped from the registry at once, and its promise simply never settles (nothing holds it, so
 * it is collected), rather than staying registered until the container exits, maybe days later.
 */
type Resolve = (code: number) => void;

export class ContainerWaiters {
  private readonly exits = new Map<string, Resolve[]>();
  private readonly removals = new Map<string, Resolve[]>();

  nextExit(id: string, signal?: AbortSignal): Promise<number> {
    return register(this.exits, id, signal);
  }

  /** Resolves with the container's last exit code once it is removed. */
  removal(id: string, signal?: AbortSignal): Promise<number> {
    return register(this.removals, id, signal);
  }

  exited(id: string, code: number): void {
    const list = this.exits.get(id) ?? [];
    this.exits.delete(id);
    for (const resolve of list) resolve(code);
  }

  removed(id: string, code: number): void {
    const list = this.removals.get(id) ?? [];
    this.removals.delete(id);
    for (const resolve of list) resolve(code);
  }

  /** How many waiters are registered (tests; a leak shows here). */
  count(): number {
    let total = 0;
    for (const map of [this.exits, this.removals]) for (const list of map.values()) total += list.length;
    return total;
  }
}

function register(map: Map<string, Resolve[]>, id: string, signal: AbortSignal | undefined): Promise<number> {
  return new Promise((resolve) => {
    if (signal?.aborted) return;
    const list = map.get(id) ?? [];
    list.push(resolve);
    map.set(id, list);
    signal?.addEventListener('abort', () => {
      const current = map.get(id);
      const at = current?.indexOf(resolve) ?? -1;
      if (!current || at < 0) return;
      current.splice(at, 1);
      if (current.length === 0) map.delete(id);
    }, { once: true });
  });
}

/** Resolves when the signal aborts (a client left): to race against a waiter. */
export function whenAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** `docker wait --condition`: Docker's three conditions. */
export type WaitCondition = 'not-running' | 'next-exit' | 'removed';
const WAIT_CONDITIONS: readonly string[] = ['not-running', 'next-exit', 'removed'];

export function isWaitCondition(text: string): text is WaitCondition {
  return WAIT_CONDITIONS.includes(text);
}

/**
 * The exit code `docker wait` answers with: at once for "not-running" when the container isn't
 * running, else at its next exit, or for "removed" once it is removed.
 */
export function waitFor(waiters: ContainerWaiters, container: { id: string; state: { status: string; exitCode: number } }, condition: WaitCondition, signal?: AbortSignal): Promise<number> {
  if (condition === 'removed') return waiters.removal(container.id, signal);
  if (condition === 'not-running' && container.state.status !== 'running') return Promise.resolve(container.state.exitCode);
  return waiters.nextExit(container.id, signal);
}
