/**
 * Single flight per layer digest across concurrent pulls. A pull claims the blobs it is about to
 * have skopeo fetch, at the moment it starts skopeo (check and claim happen in one synchronous
 * step, so two pulls can't both claim one blob); a pull needing a blob another pull holds waits
 * for that pull's copy to end first, then finds the blob in the shared blob directory, where
 * skopeo skips it. A waiting pull holds no claims, so two pulls can never wait on each other.
 * Blob users are counted too: a blob leaves the shared directory when no running pull needs it.
 */

interface Flight {
  done: Promise<void>;
  finish: () => void;
}

export class LayerFlights {
  private readonly flights = new Map<string, Flight>();
  private readonly users = new Map<string, number>();

  /** The flights other pulls have open for any of `digests`. */
  busy(digests: readonly string[]): Promise<void>[] {
    return digests.flatMap((digest) => {
      const flight = this.flights.get(digest);
      return flight ? [flight.done] : [];
    });
  }

  isFetching(digest: string): boolean {
    return this.flights.has(digest);
  }

  /** Claims every digest; the caller checked busy() was empty in the same tick. */
  claim(digests: readonly string[]): () => void {
    const mine = digests.filter((digest) => !this.flights.has(digest));
    for (const digest of mine) {
      let finish = (): void => undefined;
      const done = new Promise<void>((resolve) => {
        finish = resolve;
      });
      this.flights.set(digest, { done, finish });
    }
    return () => {
      for (const digest of mine) {
        this.flights.get(digest)?.finish();
        this.flights.delete(digest);
      }
    };
  }

  /** Marks `digests` as needed by one more pull; the returned function gives back the ones now unused. */
  use(digests: readonly string[]): () => string[] {
    for (const digest of digests) this.users.set(digest, (this.users.get(digest) ?? 0) + 1);
    return () => {
      const unused: string[] = [];
      for (const digest of digests) {
        const left = (this.users.get(digest) ?? 1) - 1;
        if (left > 0) this.users.set(digest, left);
        else {
          this.users.delete(digest);
          unused.push(digest);
        }
      }
      return unused;
    };
  }
}
