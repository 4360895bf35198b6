/** Who waits for a container to exit or go away (`docker wait`, `run`, stop, rm -f). */
export class ContainerWaiters {
  private readonly exits = new Map<string, Array<(code: number) => void>>();
  private readonly removals = new Map<string, Array<(code: number) => void>>();

  nextExit(id: string): Promise<number> {
    return new Promise((resolve) => {
      const list = this.exits.get(id) ?? [];
      list.push(resolve);
      this.exits.set(id, list);
    });
  }

  /** Resolves with the container's last exit code once it is removed. */
  removal(id: string): Promise<number> {
    return new Promise((resolve) => {
      const list = this.removals.get(id) ?? [];
      list.push(resolve);
      this.removals.set(id, list);
    });
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
export function waitFor(waiters: ContainerWaiters, container: { id: string; state: { status: string; exitCode: number } }, condition: WaitCondition): Promise<number> {
  if (condition === 'removed') return waiters.removal(container.id);
  if (condition === 'not-running' && container.state.status !== 'running') return Promise.resolve(container.state.exitCode);
  return waiters.nextExit(container.id);
}
