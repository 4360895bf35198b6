/**
 * When each layer blob of a pull is ready for the store to unpack, so unpacking overlaps the
 * download (Docker extracts a layer while the next ones download). A blob arrives when skopeo has
 * verified it and renamed it into the shared blob directory (blob-watch.ts sees that, after its
 * `Download complete`), or at once when it was there already (a layer the store keeps, or one
 * another pull fetched); `onArrive` then links it into the layout handed to the store. A copy that
 * failed fails every blob still awaited with its error; a copy that ended settles the rest (a blob
 * skopeo did not write is then found missing by the store's own check of the layout).
 */

interface Waiter {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
  started: boolean;
}

export class BlobArrivals {
  private readonly waiters = new Map<string, Waiter>();

  constructor(digests: readonly string[], private readonly onArrive: (digest: string) => Promise<void>) {
    for (const digest of digests) {
      let resolve = (): void => undefined;
      let reject = (_error: unknown): void => undefined;
      const promise = new Promise<void>((yes, no) => {
        resolve = yes;
        reject = no;
      });
      // Nobody may be waiting (the store had the layer, or the pull failed first): no unhandled rejection.
      promise.catch(() => undefined);
      this.waiters.set(digest, { promise, resolve, reject, started: false });
    }
  }

  /** Resolves once `digest` is in the layout; an unknown digest is ready at once. */
  wait(digest: string): Promise<void> {
    return this.waiters.get(digest)?.promise ?? Promise.resolve();
  }

  /** `digest` is verified in the shared directory: link it, then release its waiters (once). */
  arrive(digest: string): void {
    const waiter = this.waiters.get(digest);
    if (!waiter || waiter.started) return;
    waiter.started = true;
    this.onArrive(digest).then(waiter.resolve, waiter.reject);
  }

  /** The copy ended: every blob not seen yet is looked for now. */
  settle(): void {
    for (const digest of this.waiters.keys()) this.arrive(digest);
  }

  /** The copy failed: every blob not arrived yet fails with its error. */
  fail(error: unknown): void {
    for (const waiter of this.waiters.values()) {
      if (waiter.started) continue;
      waiter.started = true;
      waiter.reject(error);
    }
  }
}
