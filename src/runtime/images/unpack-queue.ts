/**
 * The order a pull's layers are unpacked in: as their blobs arrive (`arrived(item)` settles when
 * that layer's blob is in the layout), by at most `limit` workers at once. Layers unpack into
 * directories of their own, so any order gives the same store. The first failure stops the queue:
 * no worker takes another item, the ones running are aborted through the signal `task` gets, and
 * that first failure is thrown once every worker has stopped (nothing keeps running behind it).
 */

/** The next item whose blob has arrived (the earliest in the list among those already there). */
async function takeArrived<T>(pending: Set<T>, arrived: (item: T) => Promise<void>, stop: AbortSignal): Promise<T | undefined> {
  while (pending.size > 0 && !stop.aborted) {
    let onStop = (): void => undefined;
    const stopped = new Promise<undefined>((resolve) => {
      onStop = () => resolve(undefined);
      stop.addEventListener('abort', onStop, { once: true });
    });
    try {
      const item = await Promise.race([...[...pending].map((entry) => arrived(entry).then(() => entry)), stopped]);
      if (item === undefined) return undefined;
      if (pending.delete(item)) return item;
    } finally {
      stop.removeEventListener('abort', onStop);
    }
  }
  return undefined;
}

export async function unpackInArrivalOrder<T>(items: readonly T[], limit: number, arrived: (item: T) => Promise<void>, task: (item: T, signal: AbortSignal) => Promise<void>, signal: AbortSignal): Promise<void> {
  const pending = new Set(items);
  const stop = new AbortController();
  const both = AbortSignal.any([signal, stop.signal]);
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    try {
      for (let item = await takeArrived(pending, arrived, both); item !== undefined; item = await takeArrived(pending, arrived, both)) await task(item, both);
    } catch (error) {
      failure ??= { error };
      stop.abort(error);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
  signal.throwIfAborted();
}
