/**
 * The daemon namespace's own addresses, for the FQDN rebinding guard: read once before the
 * resolver serves, then again at most every `maxAgeMs`, in the background (a query never waits
 * for the kernel; between reads it judges by the last list). A failed read keeps the last list.
 */
import ipaddr from 'ipaddr.js';

export class HostAddresses {
  private current: ReadonlySet<string> = new Set();
  private readAt = 0;
  private reading: Promise<void> | undefined;

  constructor(
    private readonly list: () => Promise<readonly string[]>,
    private readonly maxAgeMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads the list (awaited once at start). */
  async refresh(): Promise<void> {
    this.reading ??= this.list()
      .then((addresses) => {
        this.current = new Set(addresses.flatMap(canonical));
      })
      // A failed read keeps the last list, and is not retried before maxAgeMs either.
      .catch(() => undefined)
      .finally(() => {
        this.readAt = this.now();
        this.reading = undefined;
      });
    await this.reading;
  }

  /** The last list read; starts a new read when it is older than maxAgeMs. */
  addresses(): ReadonlySet<string> {
    if (this.now() - this.readAt > this.maxAgeMs) void this.refresh();
    return this.current;
  }
}

function canonical(address: string): string[] {
  try {
    return [ipaddr.parse(address.split('%')[0] ?? '').toString()];
  } catch {
    // Not an address: nothing to compare answers with.
    return [];
  }
}
