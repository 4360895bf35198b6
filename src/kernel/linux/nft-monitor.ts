/**
 * Watches table deletions with a long-running `nft monitor destroy tables` (netavark's
 * firewalld-reload listener does the same job for firewalld). A `nft flush ruleset` reports a
 * `delete table` line for every table; so does `nft delete table`.
 *
 * The child runs under `setpriv --pdeathsig KILL`: if the daemon dies (even by SIGKILL) the
 * kernel kills the monitor, so no orphan outlives it. If the monitor itself exits while watched,
 * it is restarted after a pause and the watcher is told events may have been missed.
 */
import { startPiped, type PipedProcess } from '../../exec/index.js';
import type { FirewallWatch, FirewallWatchPort, NetnsTarget } from '../ports.js';
import { inNetns } from './netns-argv.js';

const RESTART_MS = 500;
const DELETE_TABLE = /^delete table (\S+) (\S+)\s*$/;

/** The table a monitor line reports deleted, if it is such a line. */
export function parseTableDeletion(line: string): { family: string; table: string } | undefined {
  const match = DELETE_TABLE.exec(line);
  return match ? { family: match[1] as string, table: match[2] as string } : undefined;
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
    const argv = ['setpriv', '--pdeathsig', 'KILL', '--', ...inNetns(['nft', 'monitor', 'destroy', 'tables'], this.target)];
    const child = startPiped(argv, { stdin: 'ignore', stderr: 'ignore' });
    this.child = child;
    let buffer = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const deleted = parseTableDeletion(line);
        if (deleted) this.onDeleted(deleted);
      }
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
