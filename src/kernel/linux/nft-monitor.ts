/**
 * Watches table deletions with a long-running `nft monitor` (netavark's firewalld-reload listener
 * does the same job for firewalld). A `nft flush ruleset` reports a `delete table` line for every
 * table; so does `nft delete table`. Every transaction ends with a `# new generation` line, so a
 * table deleted and created again in one transaction (our own atomic replace at start-up or
 * heal) is told apart from one that is gone: only tables whose last event in a generation is a
 * deletion are reported. That is what keeps a heal from triggering another heal.
 *
 * The child runs under `setpriv --pdeathsig KILL`: if the daemon dies (even by SIGKILL) the
 * kernel kills the monitor, so no orphan outlives it. If the monitor itself exits while watched,
 * it is restarted after a pause and the watcher is told events may have been missed.
 */
import { startPiped, type PipedProcess } from '../../exec/index.js';
import type { FirewallWatch, FirewallWatchPort, NetnsTarget } from '../ports.js';
import { inNetns } from './netns-argv.js';

const RESTART_MS = 500;
const TABLE_EVENT = /^(add|delete) table (\S+) (\S+)\s*$/;
const GENERATION = /^# new generation /;

/**
 * Folds monitor lines into transactions: feed() returns the tables deleted (and not created
 * again) by a transaction when its `# new generation` line arrives, else nothing.
 */
export class TableEvents {
  private readonly last = new Map<string, 'add' | 'delete'>();

  feed(line: string): Array<{ family: string; table: string }> {
    const match = TABLE_EVENT.exec(line);
    if (match) {
      this.last.set(`${match[2]} ${match[3]}`, match[1] as 'add' | 'delete');
      return [];
    }
    if (!GENERATION.test(line)) return [];
    const deleted = [...this.last].filter(([, event]) => event === 'delete').map(([key]) => {
      const [family = '', table = ''] = key.split(' ');
      return { family, table };
    });
    this.last.clear();
    return deleted;
  }
}

type OnDeleted = (deleted: { family: string; table: string } | undefined) => void;

class MonitorWatch implements FirewallWatch {
  private child: PipedProcess | undefined;
  private closed = false;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(private readonly onDeleted: OnDeleted, private readonly target?: NetnsTarget) {
    this.start();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.restartTimer);
    this.child?.signal('SIGKILL');
    this.child = undefined;
  }

  private start(): void {
    const argv = ['setpriv', '--pdeathsig', 'KILL', '--', ...inNetns(['nft', 'monitor'], this.target)];
    const child = startPiped(argv, { stdin: 'ignore', stderr: 'ignore' });
    this.child = child;
    let buffer = '';
    const events = new TableEvents();
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) for (const deleted of events.feed(line)) this.onDeleted(deleted);
    });
    void child.exited.then(() => {
      if (this.closed || this.child !== child) return;
      this.child = undefined;
      this.restartTimer = setTimeout(() => {
        if (this.closed) return;
        this.start();
        this.onDeleted(undefined);
      }, RESTART_MS);
    });
  }
}

export class LinuxFirewallWatch implements FirewallWatchPort {
  watchTableDeletions(onDeleted: OnDeleted, target?: NetnsTarget): FirewallWatch {
    return new MonitorWatch(onDeleted, target);
  }
}
