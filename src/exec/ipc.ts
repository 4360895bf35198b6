/**
 * A short-lived Node child with an IPC channel: it sends messages, possibly with handles
 * (sockets it opened where the daemon can't, e.g. inside another network namespace), until one
 * of them completes the exchange; then the parent answers (so the child knows its handles
 * arrived) and waits for the child's exit. argv only, a timeout, typed ExecError; counted and
 * observed like every other spawn. The child must be Node (or exec into Node: `nsenter … node`
 * keeps the channel's descriptor and NODE_CHANNEL_FD).
 */
import { spawn } from 'node:child_process';
import { ExecError, countSpawn, notifyObservers, resultOf } from './run.js';

export interface IpcMessage {
  message: unknown;
  /** A dgram.Socket, net.Server or net.Socket the child sent along, if any. */
  handle?: unknown;
}

export interface IpcOptions {
  /** True when this message completes the exchange. */
  done: (message: unknown, received: readonly IpcMessage[]) => boolean;
  /** Sent to the child once done (it may exit then). */
  reply?: string | number | boolean | object;
  /** Kill the child after this many milliseconds (default 10 s). */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * Resolves with every message received, once `done` accepted one and the child exited cleanly.
 * On any failure (exit before done, non-zero exit, timeout) the handles received are closed and
 * an ExecError is thrown: a caller never holds half of what it asked for.
 */
export function exchangeWithChild(argv: readonly string[], options: IpcOptions): Promise<IpcMessage[]> {
  if (argv.length === 0) throw new TypeError('exchangeWithChild: empty argv');
  const [command, ...args] = argv as [string, ...string[]];
  const timeoutMs = options.timeoutMs ?? 10_000;
  const started = performance.now();
  countSpawn();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: options.env ?? process.env, serialization: 'json' });
    const received: IpcMessage[] = [];
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let complete = false;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const closeHandles = (): void => {
      for (const { handle } of received) {
        try {
          (handle as { close?: () => void } | undefined)?.close?.();
        } catch {
          // Already closed.
        }
      }
    };
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('message', (message: unknown, handle: unknown) => {
      received.push(handle === undefined ? { message } : { message, handle });
      if (complete || !options.done(message, received)) return;
      complete = true;
      if (child.connected) child.send(options.reply ?? 'done', () => undefined);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      closeHandles();
      reject(new ExecError(argv, 'spawn', { cause: error, stderr: error.message }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = resultOf(argv, { code, signal }, stdout, stderr, started);
      notifyObservers(result);
      if (timedOut || result.code !== 0 || !complete) {
        closeHandles();
        if (timedOut) return reject(new ExecError(argv, 'timeout', result));
        const detail = complete ? result : { ...result, stderr: result.stderr || 'exited before completing the exchange' };
        return reject(new ExecError(argv, 'exit', detail));
      }
      resolve(received);
    });
  });
}
