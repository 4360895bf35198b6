/**
 * Node has no threads but every await interleaves. Work that reads then writes shared state
 * (subnet choice, name uniqueness) runs through a serial queue; per-key queues come with
 * per-network work (connect/disconnect).
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    // The tail only orders tasks; each caller gets its own task's error from `result`.
    this.tail = result.catch(() => undefined);
    return result;
  }
}

export class KeyedQueue {
  private readonly queues = new Map<string, { queue: SerialQueue; pending: number }>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    let entry = this.queues.get(key);
    if (!entry) this.queues.set(key, (entry = { queue: new SerialQueue(), pending: 0 }));
    entry.pending += 1;
    const current = entry;
    return current.queue.run(task).finally(() => {
      current.pending -= 1;
      if (current.pending === 0) this.queues.delete(key);
    });
  }
}
