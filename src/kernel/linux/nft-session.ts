/**
 * A long-lived `nft -i` for element changes on the hot path (publishing and unpublishing ports).
 * Starting `nft` costs 5-20 ms, most of it building its cache; an element add or delete through
 * a running `nft` costs about 0.3 ms. Each call is one line of `;`-joined commands, which nft
 * runs as one transaction (all or nothing). nft says nothing on success, so every call is
 * followed by a sentinel command that fails with a unique name: its error marks the end of the
 * call's output, and any error before it is the call's.
 */
import { startPiped, type PipedProcess } from '../../exec/index.js';
import { system } from '../../errors/index.js';
import type { NetnsTarget } from '../ports.js';
import { inNetns } from './netns-argv.js';

const TIMEOUT_MS = 10_000;

interface Pending {
  token: string;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class NftSession {
  private child: PipedProcess | undefined;
  private buffer = '';
  private counter = 0;
  private pending: Pending | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly target?: NetnsTarget) {}

  /** Runs a script whose lines are complete commands, as one transaction. */
  run(script: string): Promise<void> {
    const line = script.split('\n').map((part) => part.trim()).filter(Boolean).join('; ');
    if (line === '') return Promise.resolve();
    const result = this.tail.then(() => this.send(line));
    // The tail only orders scripts; each caller gets its own script's error from `result`.
    this.tail = result.catch(() => undefined);
    return result;
  }

  close(): void {
    this.child?.stdin?.end();
    this.child = undefined;
  }

  private start(): PipedProcess {
    const child = startPiped(inNetns(['nft', '-i'], this.target), { stdout: 'ignore' });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => this.receive(chunk));
    void child.exited.then((code) => {
      if (this.child === child) this.child = undefined;
      this.fail(system('nft-session', `nft -i exited with ${code}`));
    });
    this.buffer = '';
    return child;
  }

  private send(line: string): Promise<void> {
    this.child ??= this.start();
    const token = `conet_ack_${process.pid}_${++this.counter}`;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.child?.signal('SIGKILL');
        this.fail(system('nft-session', `nft -i did not answer within ${TIMEOUT_MS} ms`));
      }, TIMEOUT_MS);
      this.pending = { token, resolve, reject, timer };
      this.child?.stdin?.write(`${line}\nlist table inet ${token}\n`);
    });
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    const pending = this.pending;
    if (!pending) return;
    const at = this.buffer.indexOf(pending.token);
    if (at < 0) return;
    // The sentinel's own report starts at the last "Error:" before its token.
    const sentinel = this.buffer.lastIndexOf('Error:', at);
    const output = this.buffer.slice(0, Math.max(0, sentinel)).trim();
    const lineEnd = this.buffer.indexOf('\n', this.buffer.indexOf('\n', at) + 1);
    this.buffer = lineEnd < 0 ? '' : this.buffer.slice(lineEnd + 1);
    this.pending = undefined;
    clearTimeout(pending.timer);
    if (/Error:/.test(output)) pending.reject(system('nft-failed', `nft: ${output.split('\n').slice(0, 3).join(' ')}`));
    else pending.resolve();
  }

  private fail(error: Error): void {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return;
    clearTimeout(pending.timer);
    pending.reject(system('nft-failed', error.message, error));
  }
}
