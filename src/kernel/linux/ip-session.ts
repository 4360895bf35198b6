/**
 * A long-lived `ip -json -details -force -batch -` for the daemon's own namespace: each spawned
 * `ip` costs 5-15 ms of wall time, a line through a running one about 0.1 ms. Network create and
 * rm, and the host side of a container's veth, go through it, so they spawn nothing of their own.
 *
 * Protocol. `-force` keeps ip reading after a failed line; ip flushes its JSON output after each
 * command. Every line is followed by a sentinel, `addr show dev TOKEN` for a device that can't
 * exist, whose error ("Device "TOKEN" does not exist." then "Command failed -:N") marks the end of
 * the line's output. stderr is merged into stdout (the fixed `sh -c 'exec "$0" "$@" 2>&1'`, no
 * caller text in it), so the order on the one pipe is the order ip wrote in. A "Command failed"
 * before the sentinel's report is the line's own failure. Lines of one call run one at a time and
 * the call stops at the first failing line, as `ip -batch` without -force does; the error says
 * which line failed. Calls are serialised.
 *
 * State that outlives a line: `ip link show` sets ip's global address family to AF_PACKET for the
 * rest of the process, after which every `addr show` prints links without addresses (iproute2
 * 6.1). So the session refuses `link show`; `addr show` lists links (with -details: kind, alias)
 * and their addresses in one go, and the sentinel is an `addr show` too. And `netns NAME` in a
 * line (a veth's peer born in a sandbox) makes ip open the namespace file and never close it:
 * harmless in an `ip` that exits, but in this one every sandbox would outlive its removal. So
 * the session refuses lines that name a namespace; those stay with a spawned `ip`.
 */
import { ExecError, countSpawn, startPiped, type PipedProcess } from '../../exec/index.js';
import type { NetnsTarget } from '../ports.js';
import { inNetns } from './netns-argv.js';

const TIMEOUT_MS = 15_000;
const ARGV = ['ip', '-json', '-details', '-force', '-batch', '-'] as const;

/** A line of a session call failed; `stderr` is ip's message, `line` its index in the call. */
export class IpBatchError extends ExecError {
  constructor(
    readonly line: number,
    command: string,
    stderr: string,
  ) {
    super([...ARGV], 'exit', { code: 1, stderr: `${stderr} (line ${line + 1}: ${command})` });
  }
}

interface Pending {
  token: string;
  resolve: (output: string) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** Splits what ip wrote for one line into its JSON output and its error text. */
export function splitOutput(text: string): { failed: boolean; output: string; errors: string } {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const failed = lines.some((line) => /^Command failed -:\d+$/.test(line));
  const output = lines.filter((line) => line.startsWith('[') || line.startsWith('{')).join('\n');
  const errors = lines.filter((line) => !line.startsWith('[') && !line.startsWith('{') && !/^Command failed -:\d+$/.test(line)).join('\n');
  return { failed, output, errors };
}

export class IpSession {
  private child: PipedProcess | undefined;
  private buffer = '';
  private counter = 0;
  private pending: Pending | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  /** The daemon's own namespace, or another one (tests). */
  constructor(private readonly target?: NetnsTarget) {}

  /** Runs the lines in order; returns each line's JSON output ('' for a change). */
  run(lines: readonly string[]): Promise<string[]> {
    for (const line of lines) {
      if (/[\n\r\0]/.test(line)) throw new TypeError('ip session: a line holds a line break');
      if (/^\s*link\s+(show|list|lst|ls)\b/.test(line)) throw new TypeError('ip session: link show changes the session for later lines; use addr show');
      if (/(^|\s)netns(\s|$)/.test(line)) throw new TypeError('ip session: a line naming a namespace would keep it open; spawn ip for it');
    }
    const result = this.tail.then(() => this.runLines(lines));
    // The tail only orders calls; each caller gets its own call's error from `result`.
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** The live ip's PID, if one runs (tests kill it). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  close(): void {
    this.child?.stdin?.end();
    this.child = undefined;
  }

  private async runLines(lines: readonly string[]): Promise<string[]> {
    const outputs: string[] = [];
    for (const [index, line] of lines.entries()) {
      const { failed, output, errors } = splitOutput(await this.send(line));
      if (failed) throw new IpBatchError(index, line, errors);
      outputs.push(output);
    }
    return outputs;
  }

  private start(): PipedProcess {
    countSpawn();
    const child = startPiped(inNetns(['sh', '-c', 'exec "$0" "$@" 2>&1', ...ARGV], this.target), { stderr: 'ignore', unref: true });
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => this.receive(chunk));
    void child.exited.then((code) => {
      if (this.child === child) this.child = undefined;
      this.fail(new ExecError([...ARGV], 'exit', { code, stderr: `ip -batch session exited with ${code}` }));
    });
    this.buffer = '';
    return child;
  }

  private send(line: string): Promise<string> {
    this.child ??= this.start();
    // At most 15 characters, as an interface name must be; unique within this session's life.
    const token = `cnack${(++this.counter).toString(36)}`.slice(0, 15);
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.child?.signal('SIGKILL');
        this.fail(new ExecError([...ARGV], 'timeout', { stderr: `ip -batch session did not answer within ${TIMEOUT_MS} ms` }));
      }, TIMEOUT_MS);
      this.pending = { token, resolve, reject, timer };
      this.child?.stdin?.write(`${line}\naddr show dev ${token}\n`);
    });
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    const pending = this.pending;
    if (!pending) return;
    const marker = `Device "${pending.token}" does not exist.`;
    const at = this.buffer.indexOf(marker);
    if (at < 0) return;
    const failedLine = this.buffer.slice(at + marker.length).match(/^\s*Command failed -:\d+\n/);
    if (!failedLine) return;
    const output = this.buffer.slice(0, at);
    this.buffer = this.buffer.slice(at + marker.length + failedLine[0].length);
    this.pending = undefined;
    clearTimeout(pending.timer);
    pending.resolve(output);
  }

  private fail(error: Error): void {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return;
    clearTimeout(pending.timer);
    pending.reject(error);
  }
}
