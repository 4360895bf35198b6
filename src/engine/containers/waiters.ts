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
