/**
 * runc's command line, with `--root` pointing at this daemon's own state directory
 * (`<exec-root>/runc`) so two daemons on one machine never see each other's containers.
 * Lives in kernel/linux because it is a Linux mechanism adapter like `ip` and `nft`: it only
 * turns argv and stderr into typed results; the container lifecycle lives in runtime/.
 */
import { run } from '../../exec/index.js';
import { system } from '../../errors/index.js';

export type RuncStatus = 'creating' | 'created' | 'running' | 'paused' | 'stopped';

export interface RuncState {
  id: string;
  pid: number;
  status: RuncStatus;
  bundle: string;
}

const NOT_FOUND = /does not exist|not found|no such file/i;

export class LinuxRunc {
  constructor(readonly root: string, readonly binary = 'runc') {}

  private argv(args: readonly string[]): string[] {
    return [this.binary, '--root', this.root, ...args];
  }

  /** undefined when runc knows no such container. */
  async state(id: string): Promise<RuncState | undefined> {
    const result = await run(this.argv(['state', id]), { allowFailure: true, timeoutMs: 10_000 });
    if (result.code !== 0) {
      if (NOT_FOUND.test(result.stderr)) return undefined;
      throw system('runc-state', `runc state ${id} failed: ${result.stderr.trim()}`);
    }
    return JSON.parse(result.stdout) as RuncState;
  }

  async start(id: string): Promise<void> {
    await run(this.argv(['start', id]), { timeoutMs: 30_000 });
  }

  /** Signals the init process; a container that is gone or stopped is success. */
  async kill(id: string, signal: string): Promise<void> {
    const result = await run(this.argv(['kill', id, signal.replace(/^SIG/, '')]), { allowFailure: true, timeoutMs: 10_000 });
    if (result.code !== 0 && !NOT_FOUND.test(result.stderr) && !/not running|process already finished|container not running/i.test(result.stderr)) {
      throw system('runc-kill', `runc kill ${id} failed: ${result.stderr.trim()}`);
    }
  }

  /** The host pids of the container's processes (`runc ps --format json`, read from its cgroup). */
  async pids(id: string): Promise<number[]> {
    const result = await run(this.argv(['ps', '--format', 'json', id]), { allowFailure: true, timeoutMs: 10_000 });
    if (result.code !== 0) throw system('runc-ps', `runc ps ${id} failed: ${result.stderr.trim()}`);
    const pids: unknown = JSON.parse(result.stdout || '[]');
    return Array.isArray(pids) ? pids.filter((pid): pid is number => Number.isInteger(pid)) : [];
  }

  /**
   * `runc update -r -`: the resources (OCI linux.resources: memory, cpu, pids) are written to the
   * container's cgroups; what the JSON leaves out stays as it is.
   */
  async update(id: string, resources: Record<string, unknown>): Promise<void> {
    const result = await run(this.argv(['update', '-r', '-', id]), { input: JSON.stringify(resources), allowFailure: true, timeoutMs: 10_000 });
    if (result.code !== 0) throw system('runc-update', `runc update ${id} failed: ${result.stderr.trim()}`);
  }

  /** Freezes every process of the container (the cgroup freezer), as `docker pause`. */
  async pause(id: string): Promise<void> {
    await run(this.argv(['pause', id]), { timeoutMs: 10_000 });
  }

  async resume(id: string): Promise<void> {
    await run(this.argv(['resume', id]), { timeoutMs: 10_000 });
  }

  /** `delete --force` kills what still runs; a container runc never knew is success. */
  async delete(id: string): Promise<void> {
    const result = await run(this.argv(['delete', '--force', id]), { allowFailure: true, timeoutMs: 30_000 });
    if (result.code !== 0 && !NOT_FOUND.test(result.stderr)) throw system('runc-delete', `runc delete ${id} failed: ${result.stderr.trim()}`);
  }
}
