/**
 * Design note: the firewall heals itself (netavark's firewalld-reload, for nftables).
 *
 * `nft flush ruleset` (a distro firewall's reload, an admin's reset) or `nft delete table inet
 * conet` removes isolation, masquerade and published ports at once, and nothing in conet's normal
 * path would notice until a restart. The healer watches table deletions (the kernel port runs
 * `nft monitor`) and, on one of ours or the users' table, asks the FirewallService to heal: the
 * service checks whether the table is really gone (our own start-up replace also reports a
 * `delete table`, but with the new table in the same transaction, which the watch filters out;
 * when the watch says the table is gone the check is skipped) and rebuilds it from its in-memory
 * state in one transaction. The window between the deletion and the rebuild is the monitor's wake-up
 * plus two nft runs: tens of milliseconds, well under the 1 s the tests allow.
 *
 * Events arriving during a heal are coalesced into one more check after it, so a burst of
 * deletions costs at most two heals. A check also runs when the watch starts and whenever the
 * monitor had to be restarted (events may have been missed).
 */
import type { FirewallWatch, FirewallWatchPort } from '../kernel/ports.js';
import type { Logger } from '../util/logger.js';
import type { FirewallService } from './firewall-service.js';
import { FAMILY, userTableName } from './names.js';

export class FirewallHealer {
  private watch: FirewallWatch | undefined;
  private running = false;
  private again = false;
  private since: number | undefined;
  private tableGone = false;

  constructor(
    private readonly service: FirewallService,
    private readonly watchPort: FirewallWatchPort,
    private readonly logger: Logger,
  ) {}

  start(): void {
    const ours = new Set([this.service.table, userTableName(this.service.table)]);
    this.watch = this.watchPort.watchTableDeletions((deleted) => {
      if (deleted === undefined || (deleted.family === FAMILY && ours.has(deleted.table))) {
        this.check(deleted?.table === this.service.table);
      }
    });
    this.check();
  }

  close(): void {
    this.watch?.close();
    this.watch = undefined;
  }

  /** Runs one heal now, or one more after the current one; `tableGone` skips its listing. */
  check(tableGone = false): void {
    this.since ??= performance.now();
    this.tableGone ||= tableGone;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.run();
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      const since = this.since ?? performance.now();
      const tableGone = this.tableGone;
      this.since = undefined;
      this.tableGone = false;
      try {
        if (await this.service.heal({ tableGone })) {
          this.logger.warn('firewall table was deleted; rebuilt from state', { table: this.service.table, ms: Math.round(performance.now() - since) });
        }
      } catch (error) {
        this.logger.error('firewall heal failed', { table: this.service.table, error: String(error) });
      }
    } while (this.again && this.watch !== undefined);
    this.running = false;
  }
}
